//! Seeded synthetic scenarios of any size (see the foundation issue).
