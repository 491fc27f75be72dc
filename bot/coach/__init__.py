"""Language analysis for coaching: blame, contempt, defensiveness, feeling words."""
