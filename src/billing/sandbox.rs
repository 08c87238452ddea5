//! The embedded sandbox (no Stripe key). Being written on main.
