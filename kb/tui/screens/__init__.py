"""The app's screens. Each is imported when first opened (the home screen at start-up)."""
