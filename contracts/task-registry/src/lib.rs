extern crate alloc;
