"""The model supply chain: where base models, datasets and remote code come from."""
