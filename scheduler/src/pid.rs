//! Process ids: a table slot plus a generation.

use std::fmt;

/// The id of a process in one [`Scheduler`](crate::Scheduler).
///
/// It names a slot of the process table and the generation of that slot. When a
/// process exits its slot's generation moves on, so an old id never reaches a newer
/// process that reuses the slot: sends to it fail, as for any finished process.
///
/// Ids are only meaningful within the scheduler that issued them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pid {
    index: u32,
    generation: u32,
}

impl Pid {
    pub(crate) const fn new(index: u32, generation: u32) -> Self {
        Self { index, generation }
    }

    /// The slot of the process table.
    pub const fn index(self) -> u32 {
        self.index
    }

    /// How many processes used this slot before this one.
    pub const fn generation(self) -> u32 {
        self.generation
    }

    /// Both parts in one integer (index in the low half), for maps and logs.
    pub const fn to_bits(self) -> u64 {
        (self.generation as u64) << 32 | self.index as u64
    }

    /// The inverse of [`Pid::to_bits`].
    pub const fn from_bits(bits: u64) -> Self {
        Self {
            index: bits as u32,
            generation: (bits >> 32) as u32,
        }
    }
}

impl fmt::Debug for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}.{}>", self.index, self.generation)
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
