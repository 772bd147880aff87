//! Lua 5.4's patterns (the manual's §6.4.1), matched in Rust so that a long match can be
//! stopped: `lstrlib.c`'s matcher runs inside one C call, where the count hook that
//! preempts a process never runs, so a pattern such as `.-.-.-.-.-.-.-b` against 60
//! bytes held a worker for good and outlived `terminate`. [`Matcher`] asks its `stop`
//! function every [`CHECK_EVERY`] steps, and gives up with [`PatternError::Stopped`]
//! when it says so (`string_match.rs` asks the preemption state).
//!
//! The matcher follows `lstrlib.c`'s algorithm step for step (backtracking, the same
//! recursion limit of 200 nested items, 32 captures, C-locale character classes, and
//! the same errors for malformed patterns), so every pattern matches what it matched,
//! and fails with the message it failed with (`string_match.rs` tests it against
//! the library on random patterns).
//!
//! Pure byte-slice code: the subject and the pattern are the Lua strings' bytes, and a
//! matcher owns nothing that needs dropping (callers may let a Lua error jump over it).

use std::ffi::CStr;

/// Most captures a pattern may have (`LUA_MAXCAPTURES`).
pub(crate) const MAX_CAPTURES: usize = 32;
/// Most items matched inside one another (`MAXCCALLS` of `lstrlib.c`).
const MAX_NESTING: usize = 200;
/// How many steps the matcher takes between two questions to its `stop` function.
pub(crate) const CHECK_EVERY: u32 = 1024;
/// The escape character.
const ESC: u8 = b'%';

/// Why a match could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatternError {
    /// A malformed pattern, or a pattern too complex: `lstrlib.c`'s message.
    Message(&'static CStr),
    /// `%n` naming a capture that is not there: Lua's "invalid capture index %n".
    CaptureIndex(i32),
    /// The `stop` function said to stop.
    Stopped,
}

/// A capture: its start in the subject and its length, or a position capture `()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Capture {
    /// Bytes `start..start + len` of the subject.
    Text { start: usize, len: usize },
    /// The position `at` (0-based) of a `()` capture.
    Position { at: usize },
    /// Opened and not closed (yet).
    Unfinished { start: usize },
}

/// The state of one match of a pattern against a subject (`lstrlib.c`'s `MatchState`).
pub(crate) struct Matcher<'a, F: FnMut() -> bool> {
    src: &'a [u8],
    pat: &'a [u8],
    /// Captures opened so far.
    pub(crate) level: usize,
    pub(crate) captures: [Capture; MAX_CAPTURES],
    /// Items that may still nest.
    depth_left: usize,
    /// Steps until the next question to `stop`.
    steps_left: u32,
    stop: F,
}

impl<'a, F: FnMut() -> bool> Matcher<'a, F> {
    /// A matcher of pattern `pat` (without its `^` anchor) against `src`.
    pub(crate) fn new(src: &'a [u8], pat: &'a [u8], stop: F) -> Self {
        Matcher {
            src,
            pat,
            level: 0,
            captures: [Capture::Position { at: 0 }; MAX_CAPTURES],
            depth_left: MAX_NESTING,
            steps_left: CHECK_EVERY,
            stop,
        }
    }

    /// Matches the whole pattern from subject position `s`: the end of the match, or
    /// `None`. Resets the captures first (`reprepstate`).
    pub(crate) fn match_at(&mut self, s: usize) -> Result<Option<usize>, PatternError> {
        self.level = 0;
        self.depth_left = MAX_NESTING;
        self.do_match(s, 0)
    }

    /// The subject's byte at `i`, or 0 past its end (as the C string's terminator).
    fn src_at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    /// The pattern's byte at `i`, or 0 past its end.
    fn pat_at(&self, i: usize) -> u8 {
        self.pat.get(i).copied().unwrap_or(0)
    }

    /// Counts one step, and asks `stop` every [`CHECK_EVERY`] steps.
    fn step(&mut self) -> Result<(), PatternError> {
        self.steps_left -= 1;
        if self.steps_left == 0 {
            self.steps_left = CHECK_EVERY;
            if (self.stop)() {
                return Err(PatternError::Stopped);
            }
        }
        Ok(())
    }

    /// `lstrlib.c`'s `match`: the end of a match of the pattern from `p` on, at
    /// subject position `s`.
    fn do_match(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        if self.depth_left == 0 {
            return Err(PatternError::Message(c"pattern too complex"));
        }
        self.depth_left -= 1;
        let result = self.match_items(s, p);
        self.depth_left += 1;
        result
    }

    fn match_items(&mut self, mut s: usize, mut p: usize) -> Result<Option<usize>, PatternError> {
        loop {
            self.step()?;
            if p == self.pat.len() {
                return Ok(Some(s));
            }
            match self.pat[p] {
                b'(' => {
                    return if self.pat_at(p + 1) == b')' {
                        self.start_capture(s, p + 2, true)
                    } else {
                        self.start_capture(s, p + 1, false)
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                b'$' if p + 1 == self.pat.len() => {
                    return Ok((s == self.src.len()).then_some(s));
                }
                ESC if self.pat_at(p + 1) == b'b' => match self.match_balance(s, p + 2)? {
                    Some(end) => {
                        s = end;
                        p += 4;
                        continue;
                    }
                    None => return Ok(None),
                },
                ESC if self.pat_at(p + 1) == b'f' => {
                    p += 2;
                    if self.pat_at(p) != b'[' {
                        return Err(PatternError::Message(c"missing '[' after '%f' in pattern"));
                    }
                    let ep = self.class_end(p)?;
                    let previous = if s == 0 { 0 } else { self.src_at(s - 1) };
                    let current = self.src_at(s);
                    if !self.match_bracket_class(previous, p, ep - 1)
                        && self.match_bracket_class(current, p, ep - 1)
                    {
                        p = ep;
                        continue;
                    }
                    return Ok(None);
                }
                ESC if self.pat_at(p + 1).is_ascii_digit() => {
                    match self.match_capture(s, self.pat_at(p + 1))? {
                        Some(end) => {
                            s = end;
                            p += 2;
                            continue;
                        }
                        None => return Ok(None),
                    }
                }
                _ => {
                    let ep = self.class_end(p)?;
                    let suffix = self.pat_at(ep);
                    if !self.single_match(s, p, ep) {
                        if matches!(suffix, b'*' | b'?' | b'-') {
                            p = ep + 1;
                            continue;
                        }
                        return Ok(None);
                    }
                    match suffix {
                        b'?' => {
                            if let Some(end) = self.do_match(s + 1, ep + 1)? {
                                return Ok(Some(end));
                            }
                            p = ep + 1;
                        }
                        b'+' => return self.max_expand(s + 1, p, ep),
                        b'*' => return self.max_expand(s, p, ep),
                        b'-' => return self.min_expand(s, p, ep),
                        _ => {
                            s += 1;
                            p = ep;
                        }
                    }
                }
            }
        }
    }

    /// `classEnd`: the index just after the single-character class at `p`.
    fn class_end(&self, mut p: usize) -> Result<usize, PatternError> {
        let c = self.pat_at(p);
        p += 1;
        match c {
            ESC => {
                if p >= self.pat.len() {
                    return Err(PatternError::Message(c"malformed pattern (ends with '%')"));
                }
                Ok(p + 1)
            }
            b'[' => {
                if self.pat_at(p) == b'^' {
                    p += 1;
                }
                // Look for the closing ']' (a first ']' is part of the set).
                loop {
                    if p >= self.pat.len() {
                        return Err(PatternError::Message(c"malformed pattern (missing ']')"));
                    }
                    let c = self.pat[p];
                    p += 1;
                    if c == ESC && p < self.pat.len() {
                        p += 1;
                    }
                    if self.pat_at(p) == b']' {
                        return Ok(p + 1);
                    }
                }
            }
            _ => Ok(p),
        }
    }

    /// `singlematch`: whether the subject's byte at `s` matches the class `p..ep`.
    fn single_match(&self, s: usize, p: usize, ep: usize) -> bool {
        let Some(&c) = self.src.get(s) else {
            return false;
        };
        match self.pat[p] {
            b'.' => true,
            ESC => match_class(c, self.pat_at(p + 1)),
            b'[' => self.match_bracket_class(c, p, ep - 1),
            literal => literal == c,
        }
    }

    /// `matchbracketclass`: whether `c` is in the set `[...]` from `p` (its `[`) to
    /// `ec` (its `]`).
    fn match_bracket_class(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let mut matched = true;
        if self.pat_at(p + 1) == b'^' {
            matched = false;
            p += 1;
        }
        loop {
            p += 1;
            if p >= ec {
                return !matched;
            }
            let pc = self.pat[p];
            if pc == ESC {
                p += 1;
                if match_class(c, self.pat_at(p)) {
                    return matched;
                }
            } else if self.pat_at(p + 1) == b'-' && p + 2 < ec {
                p += 2;
                if pc <= c && c <= self.pat[p] {
                    return matched;
                }
            } else if pc == c {
                return matched;
            }
        }
    }

    /// `max_expand`: the item `p..ep` repeated as often as it matches from `s`, then
    /// fewer times, until the rest of the pattern matches.
    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Result<Option<usize>, PatternError> {
        let mut i = 0;
        while self.single_match(s + i, p, ep) {
            i += 1;
        }
        loop {
            if let Some(end) = self.do_match(s + i, ep + 1)? {
                return Ok(Some(end));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    /// `min_expand`: the item `p..ep` repeated as few times as lets the rest match.
    fn min_expand(
        &mut self,
        mut s: usize,
        p: usize,
        ep: usize,
    ) -> Result<Option<usize>, PatternError> {
        loop {
            if let Some(end) = self.do_match(s, ep + 1)? {
                return Ok(Some(end));
            }
            if !self.single_match(s, p, ep) {
                return Ok(None);
            }
            s += 1;
            self.step()?;
        }
    }

    fn start_capture(
        &mut self,
        s: usize,
        p: usize,
        position: bool,
    ) -> Result<Option<usize>, PatternError> {
        if self.level >= MAX_CAPTURES {
            return Err(PatternError::Message(c"too many captures"));
        }
        self.captures[self.level] = if position {
            Capture::Position { at: s }
        } else {
            Capture::Unfinished { start: s }
        };
        self.level += 1;
        let result = self.do_match(s, p)?;
        if result.is_none() {
            self.level -= 1;
        }
        Ok(result)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        let Some(l) = (0..self.level)
            .rev()
            .find(|&l| matches!(self.captures[l], Capture::Unfinished { .. }))
        else {
            return Err(PatternError::Message(c"invalid pattern capture"));
        };
        let Capture::Unfinished { start } = self.captures[l] else {
            unreachable!("found unfinished above");
        };
        self.captures[l] = Capture::Text {
            start,
            len: s - start,
        };
        let result = self.do_match(s, p)?;
        if result.is_none() {
            self.captures[l] = Capture::Unfinished { start };
        }
        Ok(result)
    }

    /// `matchbalance`: `%bxy` from subject position `s` (`p` at `x`).
    fn match_balance(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        if p + 1 >= self.pat.len() {
            return Err(PatternError::Message(
                c"malformed pattern (missing arguments to '%b')",
            ));
        }
        let (open, close) = (self.pat[p], self.pat[p + 1]);
        if self.src_at(s) != open || s >= self.src.len() {
            return Ok(None);
        }
        let mut depth = 1;
        for i in s + 1..self.src.len() {
            let c = self.src[i];
            if c == close {
                depth -= 1;
                if depth == 0 {
                    return Ok(Some(i + 1));
                }
            } else if c == open {
                depth += 1;
            }
        }
        Ok(None)
    }

    /// `match_capture`: `%1`..`%9`, the text of an earlier capture again at `s`.
    fn match_capture(&mut self, s: usize, digit: u8) -> Result<Option<usize>, PatternError> {
        let l = i32::from(digit) - i32::from(b'1');
        let index = usize::try_from(l).ok().filter(|&l| l < self.level);
        let Some(capture) = index.map(|l| self.captures[l]) else {
            return Err(PatternError::CaptureIndex(l + 1));
        };
        match capture {
            Capture::Unfinished { .. } => Err(PatternError::CaptureIndex(l + 1)),
            // A position has no text: it never matches (C compares a huge length).
            Capture::Position { .. } => Ok(None),
            Capture::Text { start, len } => {
                let again = self.src.get(s..s + len);
                Ok((again == Some(&self.src[start..start + len])).then_some(s + len))
            }
        }
    }
}

/// `match_class`: whether byte `c` is in the class `%cl` (C locale).
fn match_class(c: u8, cl: u8) -> bool {
    let is = match cl.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c.is_ascii_control(),
        b'd' => c.is_ascii_digit(),
        b'g' => c.is_ascii_graphic(),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        // C's isspace also takes the vertical tab, which Rust's ASCII whitespace omits.
        b's' => matches!(c, b' ' | b'\t'..=b'\r'),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        // Deprecated in the manual, still matched by `lstrlib.c`: the zero byte.
        b'z' => c == 0,
        _ => return cl == c,
    };
    if cl.is_ascii_uppercase() { !is } else { is }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The end of the match of `pat` at position `s` of `src`, with no stop.
    fn m(src: &str, pat: &str, s: usize) -> Result<Option<usize>, PatternError> {
        Matcher::new(src.as_bytes(), pat.as_bytes(), || false).match_at(s)
    }

    #[test]
    fn items_quantifiers_and_anchors() {
        assert_eq!(m("hello", "h.l", 0), Ok(Some(3)));
        assert_eq!(m("hello", "l+", 2), Ok(Some(4)));
        assert_eq!(m("hello", "x*", 0), Ok(Some(0)));
        assert_eq!(m("hello", "l-o", 2), Ok(Some(5)));
        assert_eq!(m("hello", "hex?l", 0), Ok(Some(3)));
        assert_eq!(m("hello", "o$", 4), Ok(Some(5)));
        assert_eq!(m("hello", "l$", 3), Ok(None));
        assert_eq!(m("a$b", "a$b", 0), Ok(Some(3)));
        assert_eq!(m("x\u{b}", "x%s", 0), Ok(Some(2)));
        assert_eq!(m("(a(b)c)d", "%b()", 0), Ok(Some(7)));
        assert_eq!(m("THE (quick) fox", "%f[%a]%a+", 4), Ok(None));
        assert_eq!(m("THE (quick) fox", "%f[%a]%a+", 5), Ok(Some(10)));
        assert_eq!(m("abab", "(ab)%1", 0), Ok(Some(4)));
        assert_eq!(m("a]b", "[]]", 1), Ok(Some(2)));
        assert_eq!(m("a-b", "[a%-]+", 0), Ok(Some(2)));
        assert_eq!(m("z", "[^a-y]", 0), Ok(Some(1)));
    }

    #[test]
    fn malformed_patterns_fail_with_lstrlibs_messages() {
        let message = |p: &str| match m("abc", p, 0) {
            Err(PatternError::Message(text)) => text.to_str().unwrap().to_owned(),
            other => format!("{other:?}"),
        };
        assert_eq!(message("%"), "malformed pattern (ends with '%')");
        assert_eq!(message("[a"), "malformed pattern (missing ']')");
        assert_eq!(
            message("%b"),
            "malformed pattern (missing arguments to '%b')"
        );
        assert_eq!(message("%fa"), "missing '[' after '%f' in pattern");
        assert_eq!(message(")"), "invalid pattern capture");
        assert_eq!(m("abc", "%1", 0), Err(PatternError::CaptureIndex(1)));
        assert_eq!(m("abc", "(a%1)", 0), Err(PatternError::CaptureIndex(1)));
        assert_eq!(message(&"(".repeat(33)), "too many captures");
        let deep = "a".repeat(300);
        assert_eq!(
            m(&deep, &"a?".repeat(201), 0),
            Err(PatternError::Message(c"pattern too complex"))
        );
        assert_eq!(m(&deep, &"a?".repeat(199), 0), Ok(Some(199)));
    }

    #[test]
    fn a_long_match_asks_to_stop_and_stops() {
        let mut asked = 0;
        let src = "a".repeat(60);
        let result = Matcher::new(src.as_bytes(), b".-.-.-.-.-.-.-.-b", || {
            asked += 1;
            asked == 3
        })
        .match_at(0);
        assert_eq!(result, Err(PatternError::Stopped));
        assert_eq!(asked, 3);
    }
}
