//! ArbOS as far as Stylus needs it: parameters, memory pricing, the data pricer, program
//! records, the chain owners and cache managers, and the precompiles at 0x64…0x72 and 0xff.

pub mod address_set;
pub mod data_pricer;
pub mod memory;
pub mod params;
pub mod precompiles;
pub mod programs;
pub mod words;
