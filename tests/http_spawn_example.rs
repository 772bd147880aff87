//! `examples/http-spawn`: its registry loads and its Lua compiles, and since this runtime
//! has no HTTP kinds yet, `wippy run` there stops before starting anything, naming the
//! gateway entry, as the example's README says. (Lua is compiled before the start order
//! is checked, so reaching the gateway's error means both scripts compiled.)

mod common;

#[test]
fn the_http_example_stops_at_its_gateway() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/http-spawn");
    let (stdout, stderr, code) = common::wippy(&dir, &["run"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains(
            "src/_index.yaml:6: entry app:gateway: kind http.service cannot be started by this runtime yet"
        ),
        "{stderr}"
    );
}
