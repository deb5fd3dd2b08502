//! Charts of the screening and ranking stages (see the ranking issue).
