// Placeholder so the printers library exists before its first source lands.
