use super::*;

fn entry() -> Arc<TimerEntry> {
    Arc::new(TimerEntry::new(Pid::new(0, 0), None))
}

#[test]
fn heap_pops_in_deadline_then_insertion_order() {
    let mut state = QueueState::default();
    let t0 = Instant::now();
    let (a, b, c) = (entry(), entry(), entry());
    state.push(t0 + Duration::from_millis(5), Arc::clone(&a));
    state.push(t0 + Duration::from_millis(1), Arc::clone(&b));
    state.push(t0 + Duration::from_millis(5), Arc::clone(&c));
    assert!(state.pop_due(t0).is_none());
    let later = t0 + Duration::from_millis(10);
    let order: Vec<_> = std::iter::from_fn(|| state.pop_due(later))
        .map(|s| s.entry)
        .collect();
    assert!(Arc::ptr_eq(&order[0], &b));
    assert!(Arc::ptr_eq(&order[1], &a));
    assert!(Arc::ptr_eq(&order[2], &c));
}

#[test]
fn cancelled_entries_are_compacted() {
    let queue = Arc::new(TimerQueue::new());
    let far = Instant::now() + Duration::from_secs(3600);
    let timers: Vec<_> = (0..4 * COMPACT_MIN)
        .map(|_| {
            let e = entry();
            queue.insert(far, Arc::clone(&e));
            Timer::new(e, Arc::clone(&queue))
        })
        .collect();
    drop(timers);
    queue.insert(far, entry());
    assert_eq!(queue.len(), 1, "cancelled entries were not compacted");
}

#[test]
fn ticks_accumulate_and_are_taken() {
    let queue = Arc::new(TimerQueue::new());
    let e = Arc::new(TimerEntry::new(
        Pid::new(0, 0),
        Some(Duration::from_millis(1)),
    ));
    let timer = Timer::new(Arc::clone(&e), queue);
    assert!(!timer.fired());
    e.fire();
    e.fire();
    assert!(timer.fired());
    assert_eq!(timer.take_ticks(), 2);
    assert!(!timer.fired());
    timer.cancel();
    assert!(e.is_cancelled());
}
