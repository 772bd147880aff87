//! Criterion benchmarks for the wippy crates; see `benches/`.
