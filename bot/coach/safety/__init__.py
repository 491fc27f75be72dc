"""The safety screen: crisis, abuse and own-violence language that must stop the coaching."""
