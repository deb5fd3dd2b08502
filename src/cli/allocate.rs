//! `parkplan allocate` (not built yet).

/// Arguments of `parkplan allocate`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> Result<(), parkplan::Error> {
    Err(parkplan::Error::Other(
        "`parkplan allocate` is not built yet".into(),
    ))
}
