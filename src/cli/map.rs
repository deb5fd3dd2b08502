//! `parkplan map` (not built yet).

/// Arguments of `parkplan map`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> Result<(), parkplan::Error> {
    Err(parkplan::Error::Other(
        "`parkplan map` is not built yet".into(),
    ))
}
