//! The `wippy` command line. The Lua process layer that it drives lands with its own issue;
//! until then this binary only says so.

fn main() {
    eprintln!(
        "wippy {}: the Lua runtime is not built yet (see README.md, \"Status\")",
        env!("CARGO_PKG_VERSION")
    );
    std::process::exit(2);
}
