//! The engagement state machine. Being written on main.
