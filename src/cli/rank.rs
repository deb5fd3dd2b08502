//! `parkplan rank` (not built yet).

/// Arguments of `parkplan rank`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> Result<(), parkplan::Error> {
    Err(parkplan::Error::Other(
        "`parkplan rank` is not built yet".into(),
    ))
}
