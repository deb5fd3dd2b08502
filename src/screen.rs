//! Admission screening of park applicants (see the screening issue).
