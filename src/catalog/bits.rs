//! Fixed-length bitsets for the catalog's posting lists: one bit per listed developer, in
//! the position space of one sort order. A filter is an AND of bitsets, a facet count is
//! the popcount of an AND, and page `p` starts at the `(p - 1) * 20`-th set bit.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bits {
    words: Box<[u64]>,
    len: usize,
}

impl Bits {
    pub fn zeros(len: usize) -> Bits {
        Bits {
            words: vec![0u64; len.div_ceil(64)].into_boxed_slice(),
            len,
        }
    }

    pub fn ones(len: usize) -> Bits {
        let mut bits = Bits {
            words: vec![u64::MAX; len.div_ceil(64)].into_boxed_slice(),
            len,
        };
        if !len.is_multiple_of(64)
            && let Some(last) = bits.words.last_mut()
        {
            *last = (1u64 << (len % 64)) - 1;
        }
        bits
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn words(&self) -> &[u64] {
        &self.words
    }

    pub fn set(&mut self, i: usize) {
        debug_assert!(i < self.len);
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub fn clear(&mut self, i: usize) {
        debug_assert!(i < self.len);
        self.words[i / 64] &= !(1 << (i % 64));
    }

    pub fn get(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] & (1 << (i % 64)) != 0
    }

    pub fn and_assign(&mut self, other: &Bits) {
        debug_assert_eq!(self.len, other.len);
        for (a, b) in self.words.iter_mut().zip(other.words.iter()) {
            *a &= b;
        }
    }

    pub fn or_assign(&mut self, other: &Bits) {
        debug_assert_eq!(self.len, other.len);
        for (a, b) in self.words.iter_mut().zip(other.words.iter()) {
            *a |= b;
        }
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// `(self & other).count()` without building the intersection.
    pub fn and_count(&self, other: &Bits) -> usize {
        debug_assert_eq!(self.len, other.len);
        self.words
            .iter()
            .zip(other.words.iter())
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    /// Up to `take` set bits, skipping the first `skip` set bits, in increasing order.
    /// Skipping costs one popcount per word, so a deep page costs about what page 1 does.
    pub fn select_range(&self, skip: usize, take: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(take.min(64));
        let mut remaining = skip;
        for (wi, word) in self.words.iter().enumerate() {
            let mut w = *word;
            let ones = w.count_ones() as usize;
            if remaining >= ones {
                remaining -= ones;
                continue;
            }
            while w != 0 {
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                if remaining > 0 {
                    remaining -= 1;
                    continue;
                }
                if out.len() == take {
                    return out;
                }
                out.push(wi * 64 + bit);
            }
            if out.len() == take {
                return out;
            }
        }
        out
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, word)| {
            let mut w = *word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so the tests need no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn random_bits(rng: &mut Rng, len: usize, density: u64) -> (Bits, Vec<bool>) {
        let mut bits = Bits::zeros(len);
        let mut naive = vec![false; len];
        for (i, b) in naive.iter_mut().enumerate() {
            if rng.below(100) < density {
                bits.set(i);
                *b = true;
            }
        }
        (bits, naive)
    }

    #[test]
    fn ones_has_exactly_len_bits() {
        for len in [0, 1, 63, 64, 65, 130, 57_001] {
            let ones = Bits::ones(len);
            assert_eq!(ones.count(), len);
            assert_eq!(ones.iter().count(), len);
            assert!(!ones.get(len));
        }
    }

    #[test]
    fn operations_agree_with_a_vector_of_bools() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..200 {
            let len = rng.below(700) as usize + (round % 3) * 64;
            let density = rng.below(100);
            let (a, na) = random_bits(&mut rng, len, density);
            let (b, nb) = random_bits(&mut rng, len, 30);
            let both: Vec<usize> = (0..len).filter(|i| na[*i] && nb[*i]).collect();
            let either: Vec<usize> = (0..len).filter(|i| na[*i] || nb[*i]).collect();
            assert_eq!(a.count(), na.iter().filter(|x| **x).count());
            assert_eq!(a.and_count(&b), both.len());
            let mut and = a.clone();
            and.and_assign(&b);
            assert_eq!(and.iter().collect::<Vec<_>>(), both);
            let mut or = a.clone();
            or.or_assign(&b);
            assert_eq!(or.iter().collect::<Vec<_>>(), either);
            let set: Vec<usize> = (0..len).filter(|i| na[*i]).collect();
            for _ in 0..10 {
                let skip = rng.below(set.len() as u64 + 5) as usize;
                let take = rng.below(25) as usize;
                let expected: Vec<usize> = set.iter().skip(skip).take(take).copied().collect();
                assert_eq!(
                    a.select_range(skip, take),
                    expected,
                    "skip {skip} take {take}"
                );
            }
            for (i, expected) in na.iter().enumerate() {
                assert_eq!(a.get(i), *expected);
            }
        }
    }

    #[test]
    fn set_and_clear() {
        let mut b = Bits::ones(100);
        b.clear(3);
        b.clear(99);
        assert_eq!(b.count(), 98);
        assert!(!b.get(3) && !b.get(99) && b.get(4));
        b.set(3);
        assert!(b.get(3));
    }
}
