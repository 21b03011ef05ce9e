// Placeholder until the modelled runtime lands.
