//! The plan's HTML report (see the maps issue).
