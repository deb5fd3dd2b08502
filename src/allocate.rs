//! Allocation of admitted enterprises to parcels (see the allocation issue).
