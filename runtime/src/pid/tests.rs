use super::*;
use std::collections::HashSet;

fn parse(s: &str) -> Result<Pid, ParsePidError> {
    s.parse()
}

fn kind(s: &str) -> ParsePidErrorKind {
    parse(s).expect_err(s).kind().clone()
}

#[test]
fn prints_the_tutorial_form() {
    let pid = Pid::new("app:processes", 4).unwrap();
    assert_eq!(pid.to_string(), "{app:processes|0x00004}");
    assert_eq!(pid.node(), None);
    assert_eq!(pid.host(), "app:processes");
    assert_eq!(pid.counter(), 4);
}

#[test]
fn counter_grows_past_five_digits() {
    let host = PidHost::local("app:processes").unwrap();
    assert_eq!(host.pid(0xfffff).to_string(), "{app:processes|0xfffff}");
    assert_eq!(host.pid(0x100000).to_string(), "{app:processes|0x100000}");
    assert_eq!(
        host.pid(u64::MAX).to_string(),
        "{app:processes|0xffffffffffffffff}"
    );
}

#[test]
fn prints_node_part() {
    let host = PidHost::new(Some("6f1c-aa"), "app:processes").unwrap();
    assert_eq!(
        host.pid(0x2a).to_string(),
        "{6f1c-aa@app:processes|0x0002a}"
    );
}

#[test]
fn local_node_is_left_out() {
    let host = PidHost::new(Some(LOCAL_NODE), "app:processes").unwrap();
    assert_eq!(host.node(), None);
    assert_eq!(host.pid(1).to_string(), "{app:processes|0x00001}");
}

#[test]
fn round_trips() {
    for s in [
        "{app:processes|0x00004}",
        "{app:get_cart|0x00007}",
        "{node:control|0x00000}",
        "{app:processes|0xfffff}",
        "{app:processes|0x100000}",
        "{app:processes|0xffffffffffffffff}",
        "{4a1d3e9b-1f0c-5c7e-9d2a-0b1c2d3e4f50@app:processes|0x00004}",
        "{submit_task.endpoint|0xabcde}",
    ] {
        let pid = parse(s).unwrap();
        assert_eq!(pid.to_string(), s);
    }
    for counter in [0, 1, 0xfffff, 0x100000, 0x123456789, u64::MAX] {
        let pid = Pid::new("app:x", counter).unwrap();
        assert_eq!(parse(&pid.to_string()).unwrap(), pid);
    }
}

#[test]
fn parsed_node_and_host() {
    let pid = parse("{n1@app:processes|0x0000a}").unwrap();
    assert_eq!(pid.node(), Some("n1"));
    assert_eq!(pid.host(), "app:processes");
    assert_eq!(pid.counter(), 10);
}

#[test]
fn equality_hash_and_order_by_value() {
    let a = Pid::new("app:p", 1).unwrap();
    let b = parse("{app:p|0x00001}").unwrap();
    assert!(!Arc::ptr_eq(a.host_part(), b.host_part()));
    assert_eq!(a, b);
    let set: HashSet<Pid> = [a.clone(), b.clone()].into_iter().collect();
    assert_eq!(set.len(), 1);
    let c = Pid::new("app:p", 2).unwrap();
    assert!(a < c);
    let other_node = PidHost::new(Some("n"), "app:p").unwrap().pid(1);
    assert_ne!(a, other_node);
}

#[test]
fn clone_shares_host() {
    let a = Pid::new("app:p", 1).unwrap();
    let b = a.clone();
    assert!(Arc::ptr_eq(a.host_part(), b.host_part()));
    assert_eq!(std::mem::size_of::<Pid>(), 2 * std::mem::size_of::<usize>());
}

#[test]
fn errors_name_the_problem() {
    assert_eq!(kind("app:p|0x00001}"), ParsePidErrorKind::MissingOpenBrace);
    assert_eq!(kind("{app:p|0x00001"), ParsePidErrorKind::MissingCloseBrace);
    assert_eq!(kind("{app:p 0x00001}"), ParsePidErrorKind::MissingSeparator);
    assert_eq!(
        kind("{|0x00001}"),
        ParsePidErrorKind::EmptyName(PidPart::Host)
    );
    assert_eq!(
        kind("{@app:p|0x00001}"),
        ParsePidErrorKind::EmptyName(PidPart::Node)
    );
    assert_eq!(
        kind("{n@|0x00001}"),
        ParsePidErrorKind::EmptyName(PidPart::Host)
    );
    assert_eq!(
        kind("{a@b@c|0x00001}"),
        ParsePidErrorKind::InvalidNameChar(PidPart::Host, '@')
    );
    assert_eq!(
        kind("{app p|0x00001}"),
        ParsePidErrorKind::InvalidNameChar(PidPart::Host, ' ')
    );
    assert_eq!(
        kind("{local@app:p|0x00001}"),
        ParsePidErrorKind::LocalNodeSpelledOut
    );
    assert_eq!(kind("{app:p|00001}"), ParsePidErrorKind::MissingHexPrefix);
    assert_eq!(kind("{app:p|0X00001}"), ParsePidErrorKind::MissingHexPrefix);
    assert_eq!(
        kind("{app:p|0x0000A}"),
        ParsePidErrorKind::InvalidCounterDigit('A')
    );
    assert_eq!(
        kind("{app:p|0x-0001}"),
        ParsePidErrorKind::InvalidCounterDigit('-')
    );
    assert_eq!(kind("{app:p|0x1}"), ParsePidErrorKind::CounterTooShort);
    assert_eq!(kind("{app:p|0x}"), ParsePidErrorKind::CounterTooShort);
    assert_eq!(
        kind("{app:p|0x000001}"),
        ParsePidErrorKind::CounterLeadingZero
    );
    assert_eq!(
        kind("{app:p|0x10000000000000000}"),
        ParsePidErrorKind::CounterOverflow
    );
    assert_eq!(kind(""), ParsePidErrorKind::MissingOpenBrace);
    assert_eq!(kind("{"), ParsePidErrorKind::MissingCloseBrace);
    assert_eq!(kind("{}"), ParsePidErrorKind::MissingSeparator);
}

#[test]
fn error_messages_are_readable() {
    let e = parse("{app:p|0x1}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid PID: the counter has fewer than 5 hex digits"
    );
    let e = parse("{a{b|0x00001}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid PID: the host id contains '{', which is not allowed there"
    );
}

#[test]
fn constructor_rejects_bad_names() {
    assert!(Pid::new("", 1).is_err());
    assert!(Pid::new("a|b", 1).is_err());
    assert!(PidHost::new(Some("n}"), "app:p").is_err());
}

#[test]
fn pid_is_send_sync() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug>() {}
    check::<Pid>();
}

#[test]
fn text_is_the_display_form() {
    let pids = [
        "{app:procs|0x00000}".parse::<Pid>().unwrap(),
        "{h|0x00004}".parse().unwrap(),
        "{h|0xabcde}".parse().unwrap(),
        "{h|0x123456}".parse().unwrap(),
        "{node-2@app:workers|0xffffffffffffffff}".parse().unwrap(),
        Pid::new("a-very-long-host-name-that-does-not-fit-inline:x", 1 << 40).unwrap(),
        // The one above is 64 bytes, the most kept inline; these are 65, 66 and 66.
        Pid::new(
            "a-very-long-host-name-that-does-not-fit-inline:xyz",
            1 << 36,
        )
        .unwrap(),
        Pid::new(
            "a-very-long-host-name-that-does-not-fit-inline:xyzw",
            1 << 36,
        )
        .unwrap(),
        "{node-2@a-host-name-long-enough-to-spill-with-its-node:z|0x12345}"
            .parse()
            .unwrap(),
    ];
    for pid in pids {
        assert_eq!(pid.to_text().as_str(), pid.to_string());
    }
}

#[test]
fn counters_past_64_bits_are_an_overflow() {
    let err = "{h|0x10000000000000000}".parse::<Pid>().unwrap_err();
    assert_eq!(err.kind(), &ParsePidErrorKind::CounterOverflow);
    let err = "{h|0x0000g}".parse::<Pid>().unwrap_err();
    assert_eq!(err.kind(), &ParsePidErrorKind::InvalidCounterDigit('g'));
}
