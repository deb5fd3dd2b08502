//! `parkplan screen` (not built yet).

/// Arguments of `parkplan screen`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> Result<(), parkplan::Error> {
    Err(parkplan::Error::Other(
        "`parkplan screen` is not built yet".into(),
    ))
}
