//! Stylus memory pricing (nitro `arbos/programs/memory.go`): each transaction tracks the
//! pages open right now and the most ever open; growing costs a linear part beyond the
//! free pages plus an exponential part on the high-water mark, so one call cannot grab
//! memory cheaply that a later call in the same transaction would pay for.

use super::params::{FREE_PAGES, PAGE_GAS};

/// `exp(pages)` in gas: nitro's table, a fact of the pricing (≈ e^(0.135·pages)).
const MEMORY_EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38,
    43, 50, 57, 65, 75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569,
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735,
    216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
    1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113,
    4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

fn exp(pages: u16) -> u64 {
    MEMORY_EXPONENTS
        .get(pages as usize)
        .map_or(u64::MAX, |&g| g as u64)
}

/// Per-transaction page counters; `open` is restored when a call returns, `ever` is not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pages {
    pub open: u16,
    pub ever: u16,
}

impl Pages {
    /// Gas to open `new` more pages now.
    pub fn gas_cost(&self, new: u16) -> u64 {
        let new_open = self.open.saturating_add(new);
        let new_ever = self.ever.max(new_open);
        if new_ever <= FREE_PAGES {
            return 0;
        }
        let beyond_free = |p: u16| p.saturating_sub(FREE_PAGES);
        let adding = beyond_free(new_open).saturating_sub(beyond_free(self.open));
        let linear = (adding as u64).saturating_mul(PAGE_GAS as u64);
        linear.saturating_add(exp(new_ever).saturating_sub(exp(self.ever)))
    }

    /// Records `new` pages as open.
    pub fn add(&mut self, new: u16) {
        self.open = self.open.saturating_add(new);
        self.ever = self.ever.max(self.open);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_two_pages_of_a_transaction_are_free() {
        assert_eq!(Pages::default().gas_cost(2), 0);
    }

    #[test]
    fn a_third_page_pays_the_linear_price_and_the_exponential_step() {
        // linear: 1 page beyond the 2 free × 1000; exp[3] - exp[0] = 1 - 1 = 0
        assert_eq!(Pages::default().gas_cost(3), 1000);
        // 10 pages: 8 × 1000 + exp[10] - exp[0] = 8000 + 3 - 1
        assert_eq!(Pages::default().gas_cost(10), 8002);
    }

    #[test]
    fn pages_reopened_below_the_high_water_mark_pay_only_the_linear_part() {
        let p = Pages { open: 0, ever: 10 };
        assert_eq!(p.gas_cost(10), 8000);
    }

    #[test]
    fn beyond_128_pages_is_unaffordable() {
        assert_eq!(Pages::default().gas_cost(129), u64::MAX);
    }
}
