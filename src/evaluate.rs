//! Per-mu benefit evaluation and relocation ranking of urban enterprises (see the ranking issue).
