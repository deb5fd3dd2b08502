//! Park layout and relocation maps (see the maps issue).
