//! A bounded first-in-first-out map: the snapshot's caches of matches and term hits.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

pub(super) const CACHE_ENTRIES: usize = 512;

/// A map that forgets its oldest entries when it is full (first in, first out): a popular
/// key that goes is simply computed and inserted again. `weight` bounds memory besides the
/// number of entries.
pub(super) struct Fifo<K, V> {
    pub(super) map: HashMap<K, (V, usize)>,
    pub(super) order: VecDeque<K>,
    pub(super) entries: usize,
    pub(super) max_weight: usize,
    pub(super) weight: usize,
}

impl<K: Hash + Eq + Clone, V> Fifo<K, V> {
    pub(super) fn new(entries: usize, max_weight: usize) -> Self {
        Fifo {
            map: HashMap::new(),
            order: VecDeque::new(),
            entries,
            max_weight,
            weight: 0,
        }
    }

    pub(super) fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key).map(|(v, _)| v)
    }

    /// Oldest first.
    pub(super) fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.order.iter()
    }

    pub(super) fn insert(&mut self, key: K, value: V, weight: usize) {
        match self.map.insert(key.clone(), (value, weight)) {
            Some((_, old)) => self.weight -= old,
            None => self.order.push_back(key),
        }
        self.weight += weight;
        self.evict(0);
    }

    /// Changes a kept entry's weight (evicting others if that goes over the bound).
    pub(super) fn reweigh(&mut self, key: &K, weight: usize) {
        if let Some((_, w)) = self.map.get_mut(key) {
            self.weight = self.weight - *w + weight;
            *w = weight;
        }
        self.evict(1);
    }

    /// Drops the oldest entries while over a bound, keeping at least `keep`.
    pub(super) fn evict(&mut self, keep: usize) {
        while self.map.len() > keep
            && (self.map.len() > self.entries || self.weight > self.max_weight)
        {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((_, w)) = self.map.remove(&oldest) {
                self.weight -= w;
            }
        }
    }

    pub(super) fn remove(&mut self, key: &K) {
        if let Some((_, w)) = self.map.remove(key) {
            self.weight -= w;
            self.order.retain(|k| k != key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_forgets_the_oldest_entries_first() {
        let mut f: Fifo<u32, &str> = Fifo::new(3, 100);
        for (k, v) in [(1, "a"), (2, "b"), (3, "c")] {
            f.insert(k, v, 1);
        }
        // Re-inserting keeps the original position.
        f.insert(1, "a2", 1);
        f.insert(4, "d", 1);
        assert_eq!(f.get(&1), None);
        assert_eq!(f.keys().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        // Weight: a heavy entry pushes older ones out until the total fits.
        f.insert(5, "e", 1);
        f.reweigh(&5, 99);
        assert_eq!(f.keys().copied().collect::<Vec<_>>(), vec![4, 5]);
        assert_eq!(f.get(&5), Some(&"e"));
        f.remove(&5);
        assert_eq!(f.get(&5), None);
        f.insert(6, "f", 100);
        assert_eq!(f.get(&6), Some(&"f"));
    }
}
