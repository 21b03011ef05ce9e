// Placeholder so the scheduler library exists before its first source lands.
