"""The pages the layout test visits, per role, built on real rows so each shows its content."""
from dataclasses import dataclass

from app.extensions import db
from app.mail import send_email
from app.models.accounts import User
from app.models.orders import OrderStatus
from app.models.shops import Shop
from app.services.messaging import chat
from tests.factories_account import create_address, create_notification, follow
from tests.factories_cart import put_in_cart, put_on_wishlist
from tests.factories_catalog import create_event, create_product, create_review
from tests.factories_checkout import shipping_rate
from tests.factories_orders import paid_order

ROLES = ("guest", "shopper", "seller", "admin")
# Long enough to wrap, as real listings do: a layout that only fits short words is not done.
BOWL = "Hand-thrown Stoneware Breakfast Bowl with Speckled Oatmeal Glaze, Set of Four"
LANTERN = "Pierced Tin Heart Lantern"
QUILT = "Hand-stitched Patchwork Quilt in Faded Indigo and Madder Red"

NOT_FOUND = "/no-such-page"  # the error page, which every layout can end on
# GET routes that are not pages a person reads, each with the reason.
SKIPPED = {
    "static": "files, not pages",
    "media.file": "uploaded files, not pages",
    "storefront.favicon": "an icon, not a page (tests/integration/test_favicon.py)",
    "api.me_show": "JSON API",
    "auth.google_login": "redirects to Google",
    "auth.google_callback": "Google's redirect back; ends in a redirect",
    "checkout.cancel": "redirects to the cart with a message",
}
# Pages reached by clicking through a form rather than by address (the flows in test_layouts).
CLICKED_TO = {
    "auth.reset_verify": "guest",  # "Send code" on the forgot-password page
    "auth.reset_password": "guest",  # the emailed code, entered
    "checkout.test_pay": "shopper",  # "Pay" on the checkout page (offline provider)
    "checkout.success": "shopper",  # "Pay now (test)"
    "seller.shop_create": "seller",  # a new seller's first page, before their shop exists
}


@dataclass
class World:
    users: dict
    new_seller: User
    shop: Shop
    other_shop: Shop
    bowl_slug: str
    order_number: str  # the shopper's delivered order
    open_number: str  # a placed order the seller can still refund, line by line
    address_id: int
    conversation_id: int


def build_world(app, factory):
    """A shop with products, an event and reviews; a shopper with orders, an address, a
    conversation, a cart and a wishlist; a seller without a shop yet; an admin with mail."""
    owner = factory.seller(with_shop=False, name="Marguerite Okonkwo-Halvorsen")
    shop = factory.shop(owner, name="Trailhead Goods & Outfitters")
    other_shop = factory.shop(factory.seller(with_shop=False), name="Juniper Paper Co.")
    shipping_rate(app, shop)
    bowl = create_product(app, shop, BOWL, 4850, variants=[("Oatmeal", "Large", 12)],
                          brand="Hearth Studio", tags=["stoneware", "bowl"])
    lantern = create_product(app, shop, LANTERN, 2400, 1950)
    quilt = create_product(app, other_shop, QUILT, 18900)
    create_event(app, shop, [lantern], 20, title="Spring Clear-out")

    shopper = factory.shopper(name="Bartholomew Featherstonehaugh")
    critic = factory.shopper()
    create_review(app, bowl, critic, 4, "Lovely glaze", "Heavier than expected but beautiful.")
    address = create_address(app, shopper, is_default=True)
    create_notification(app, shopper, "Your order shipped", "Order on its way.", "/account/orders")
    follow(app, shopper, shop)
    put_in_cart(app, shopper, bowl.variants[0], 2)
    put_on_wishlist(app, shopper, quilt)
    order_number = paid_order(app, shopper, shop, [(bowl, 2), (lantern, 3)],
                              status=OrderStatus.DELIVERED)
    open_number = paid_order(app, shopper, shop, [(bowl, 1), (lantern, 4)])
    with app.app_context():
        conversation = chat.start(db.session.get(User, shopper.id), db.session.get(Shop, shop.id),
                                  f"Is the {BOWL} dishwasher safe?", None)
        chat.send(conversation, owner.id, "Yes, and microwave safe too.")
        conversation_id = conversation.id
        send_email(shopper.email, "Welcome to Bazaar", "welcome", name=shopper.name,
                   is_seller=False)
        db.session.remove()
    users = {"shopper": shopper, "seller": owner, "admin": factory.admin()}
    return World(users, factory.seller(with_shop=False), shop, other_shop, bowl.slug,
                 order_number, open_number, address.id, conversation_id)


def _storefront(role):
    return [(role, "storefront.home", "/")]


# (role, endpoint, path): every page visited by address, as the role that uses it; the path is
# formatted with the World as `w`.
PAGES = [
    *_storefront("guest"),
    ("guest", "storefront.products", "/products"),
    ("guest", "storefront.products", "/products?q=bowl"),
    ("guest", "storefront.product", "/product/{w.bowl_slug}"),
    ("guest", "storefront.shops", "/shops"),
    ("guest", "storefront.shop", "/shop/{w.shop.slug}"),
    ("guest", "storefront.offers", "/offers"),
    ("guest", "cart.view", "/cart"),
    ("guest", "cart.wishlist", "/wishlist"),
    ("guest", "auth.login", "/auth/login"),
    ("guest", "auth.signup", "/auth/signup"),
    ("guest", "auth.seller_signup", "/auth/seller/signup"),
    ("guest", "auth.verify", "/auth/verify?email={w.users[shopper].email}"),
    ("guest", "auth.forgot", "/auth/forgot"),
    ("guest", None, NOT_FOUND),
    *_storefront("shopper"),
    ("shopper", "account.profile", "/account/"),
    ("shopper", "account.orders", "/account/orders"),
    ("shopper", "account.order", "/account/orders/{w.order_number}"),
    ("shopper", "account.order", "/account/orders/{w.open_number}"),
    ("shopper", "account.order_cancel", "/account/orders/{w.open_number}/cancel"),
    ("shopper", "account.order_invoice", "/account/orders/{w.order_number}/invoice"),
    ("shopper", "account.addresses", "/account/addresses"),
    ("shopper", "account.address_new", "/account/addresses/new"),
    ("shopper", "account.address_edit", "/account/addresses/{w.address_id}/edit"),
    ("shopper", "account.notifications", "/account/notifications"),
    ("shopper", "account.following", "/account/following"),
    ("shopper", "account.password", "/account/password"),
    ("shopper", "account.sign_out_everywhere", "/account/sign-out-everywhere"),
    ("shopper", "chat.inbox", "/messages/"),
    ("shopper", "chat.conversation", "/messages/{w.conversation_id}"),
    ("shopper", "chat.new", "/messages/new?shop={w.other_shop.slug}"),
    ("shopper", "cart.wishlist", "/wishlist"),
    ("shopper", "cart.view", "/cart"),
    ("shopper", "checkout.review", "/checkout"),  # last: FLOWS pays for the cart from here
    *_storefront("seller"),
    ("seller", "seller.dashboard", "/seller/"),
    ("seller", "seller.orders", "/seller/orders"),
    ("seller", "seller.order", "/seller/orders/{w.open_number}"),
    ("seller", "seller.order", "/seller/orders/{w.order_number}"),
    ("seller", "seller.order_refund", "/seller/orders/{w.open_number}/refund?scope=full"),
    ("seller", "seller.order_cancel", "/seller/orders/{w.open_number}/cancel"),
    ("seller", "chat.inbox", "/messages/"),
    ("seller", "chat.conversation", "/messages/{w.conversation_id}"),
    *_storefront("admin"),
    ("admin", "admin.dashboard", "/admin/"),
    ("admin", "admin.orders", "/admin/orders"),
    ("admin", "admin.order", "/admin/orders/{w.open_number}"),
    ("admin", "admin.order_refund", "/admin/orders/{w.open_number}/refund?scope=full"),
    ("admin", "admin.order_cancel", "/admin/orders/{w.open_number}/cancel"),
    ("admin", "admin.outbox", "/admin/outbox"),
]


def pages(role, world):
    """The paths `role` visits by address, in order."""
    return [path.format(w=world) for who, _, path in PAGES if who == role]
