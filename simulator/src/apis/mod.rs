//! One module per vendor API: routes, credential checks, documented errors, and the mapping
//! from the shared job lifecycle to the vendor's own fields and states.

pub mod bluexp;
pub mod hnas;
pub mod ontap;
pub mod vsp_object;
pub mod vspc;
