//! `parkplan gen` (not built yet).

/// Arguments of `parkplan gen`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> Result<(), parkplan::Error> {
    Err(parkplan::Error::Other(
        "`parkplan gen` is not built yet".into(),
    ))
}
