//! Shared helpers for the workspace tests: where things live, and how specs are read, inventoried and checked.

pub mod calls;
pub mod examples;
pub mod inventory;
pub mod mock;
pub mod seeds;
pub mod spec_changes;
pub mod surface;
pub mod workspace;
