"""The catalogue as shoppers see it: visibility, cards, product pages, offers, reviews, search."""
