//! Parcels and sensitive areas in the metric frame, indexed with rstar (see the allocation issue).
