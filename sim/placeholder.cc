// Placeholder until the sim runner lands.
