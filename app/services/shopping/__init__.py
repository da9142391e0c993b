"""Before checkout: the cart, its summary, wishlists and coupons."""
