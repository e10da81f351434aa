"""The demo catalogs of the demo tenants (market, clinic, transit): plain data for `seed.py`.

A product is (title, category handle, kind, options, variants, extra fields); a variant is
(option values, price in SAR, stock or None for untracked). Images are generated placeholder
URLs keyed by the product handle.
"""

SIZES_250_500_1000 = ("Weight", ["250 g", "500 g", "1 kg"])


def weights(prices, stock=(80, 60, 40)):
    return [((size,), price, qty) for size, price, qty in zip(SIZES_250_500_1000[1], prices, stock)]


def single(price, stock=50):
    return [((), price, stock)]


MARKET_CATEGORIES = [
    ("food", "Food & groceries", None),
    ("dates-sweets", "Dates & sweets", "food"),
    ("coffee-tea", "Coffee & tea", "food"),
    ("spices", "Spices & herbs", "food"),
    ("honey", "Honey", "food"),
    ("produce", "Fresh produce", "food"),
    ("bakery", "Bakery", "food"),
    ("home", "Home & crafts", None),
    ("perfume", "Perfume & oud", "home"),
    ("textiles", "Textiles", "home"),
    ("electronics", "Electronics accessories", None),
    ("gift-cards", "Gift cards", None),
]

MARKET_COLLECTIONS = [("ramadan-essentials", "Ramadan essentials"), ("best-sellers", "Best sellers"),
                      ("local-artisans", "Local artisans")]

MARKET_PRODUCTS = [
    # title, category, kind, option, variants, extra
    ("Khalas Dates", "dates-sweets", "physical", SIZES_250_500_1000, weights(["18.00", "32.00", "58.00"]),
     {"collection": "ramadan-essentials", "weight": 500}),
    ("Sukkari Dates", "dates-sweets", "physical", SIZES_250_500_1000, weights(["22.00", "40.00", "75.00"]),
     {"collection": "best-sellers", "weight": 500}),
    ("Ajwa Dates of Madinah", "dates-sweets", "physical", SIZES_250_500_1000, weights(["45.00", "85.00", "160.00"]),
     {"collection": "ramadan-essentials", "weight": 500}),
    ("Medjool Dates", "dates-sweets", "physical", SIZES_250_500_1000, weights(["30.00", "55.00", "99.00"]), {"weight": 500}),
    ("Date Maamoul Box", "dates-sweets", "physical", ("Size", ["12 pieces", "24 pieces"]),
     [(("12 pieces",), "35.00", 40), (("24 pieces",), "65.00", 25)], {"collection": "ramadan-essentials", "weight": 600}),
    ("Stuffed Dates with Almonds", "dates-sweets", "physical", None, single("48.00", 30), {"weight": 400}),
    ("Kunafa Tray", "dates-sweets", "physical", None, single("55.00", 12), {"weight": 900}),
    ("Saudi Khawlani Coffee Beans", "coffee-tea", "physical", SIZES_250_500_1000, weights(["42.00", "80.00", "150.00"]),
     {"collection": "best-sellers", "weight": 500}),
    ("Arabic Coffee with Cardamom", "coffee-tea", "physical", ("Roast", ["Light", "Medium"]),
     [(("Light",), "28.00", 70), (("Medium",), "28.00", 70)], {"weight": 250}),
    ("Dallah Coffee Pot", "coffee-tea", "physical", ("Finish", ["Brass", "Silver"]),
     [(("Brass",), "120.00", 15), (("Silver",), "135.00", 10)], {"collection": "local-artisans", "weight": 1200}),
    ("Finjan Cup Set", "coffee-tea", "physical", None, single("65.00", 20), {"weight": 800}),
    ("Taif Rose Tea", "coffee-tea", "physical", None, single("24.00", 60), {"weight": 150}),
    ("Mint Green Tea", "coffee-tea", "physical", None, single("15.00", 90), {"weight": 150}),
    ("Saffron Threads", "spices", "physical", ("Weight", ["1 g", "5 g"]),
     [(("1 g",), "25.00", 50), (("5 g",), "110.00", 20)], {"collection": "best-sellers", "weight": 20}),
    ("Kabsa Spice Mix", "spices", "physical", None, single("14.00", 120), {"weight": 200}),
    ("Black Lime (Loomi)", "spices", "physical", None, single("12.00", 100), {"weight": 150}),
    ("Green Cardamom Pods", "spices", "physical", ("Weight", ["100 g", "250 g"]),
     [(("100 g",), "22.00", 80), (("250 g",), "50.00", 40)], {"weight": 250}),
    ("Baharat Seven Spices", "spices", "physical", None, single("13.00", 110), {"weight": 200}),
    ("Za'atar Blend", "spices", "physical", None, single("16.00", 90), {"weight": 200}),
    ("Sidr Honey", "honey", "physical", ("Size", ["250 g", "500 g"]),
     [(("250 g",), "95.00", 30), (("500 g",), "180.00", 20)], {"collection": "best-sellers", "weight": 500}),
    ("Samar Honey", "honey", "physical", ("Size", ["250 g", "500 g"]),
     [(("250 g",), "70.00", 30), (("500 g",), "130.00", 20)], {"weight": 500}),
    ("Wildflower Honey", "honey", "physical", None, single("45.00", 40), {"weight": 500}),
    ("Honeycomb Frame", "honey", "physical", None, single("150.00", 8), {"weight": 1000}),
    ("Qassim Watermelon", "produce", "physical", None, single("18.00", 40), {"weight": 6000}),
    ("Taif Pomegranates (1 kg)", "produce", "physical", None, single("16.00", 60), {"weight": 1000}),
    ("Organic Tomatoes (1 kg)", "produce", "physical", None, single("9.00", 150), {"weight": 1000}),
    ("Fresh Mint Bunch", "produce", "physical", None, single("3.00", 200), {"weight": 100}),
    ("Baladi Cucumbers (1 kg)", "produce", "physical", None, single("7.00", 120), {"weight": 1000}),
    ("Hassawi Rice", "produce", "physical", ("Weight", ["1 kg", "5 kg"]),
     [(("1 kg",), "28.00", 60), (("5 kg",), "125.00", 20)], {"weight": 1000}),
    ("Tamees Bread", "bakery", "physical", None, single("4.00", 100), {"weight": 300}),
    ("Samboosa Pack", "bakery", "physical", ("Filling", ["Cheese", "Meat", "Vegetable"]),
     [(("Cheese",), "18.00", 40), (("Meat",), "22.00", 40), (("Vegetable",), "16.00", 40)], {"weight": 500}),
    ("Kleija Cookies", "bakery", "physical", None, single("25.00", 45), {"collection": "local-artisans", "weight": 400}),
    ("Oud Incense Chips", "perfume", "physical", ("Grade", ["Standard", "Royal"]),
     [(("Standard",), "60.00", 30), (("Royal",), "240.00", 8)], {"collection": "best-sellers", "weight": 50}),
    ("Bakhoor Burner", "perfume", "physical", None, single("85.00", 20), {"collection": "local-artisans", "weight": 700}),
    ("Rose Water", "perfume", "physical", None, single("19.00", 70), {"weight": 300}),
    ("Musk Perfume Oil", "perfume", "physical", ("Size", ["3 ml", "12 ml"]),
     [(("3 ml",), "35.00", 40), (("12 ml",), "110.00", 20)], {"weight": 50}),
    ("Sadu Woven Cushion", "textiles", "physical", ("Colour", ["Red", "Black"]),
     [(("Red",), "140.00", 12), (("Black",), "140.00", 12)], {"collection": "local-artisans", "weight": 900}),
    ("Prayer Rug", "textiles", "physical", None, single("95.00", 25), {"weight": 1200}),
    ("Shemagh", "textiles", "physical", ("Pattern", ["Red check", "White"]),
     [(("Red check",), "75.00", 30), (("White",), "65.00", 30)], {"weight": 300}),
    ("Palm Leaf Basket", "textiles", "physical", None, single("55.00", 18), {"collection": "local-artisans", "weight": 400}),
    ("USB-C Fast Charger", "electronics", "physical", ("Power", ["20 W", "65 W"]),
     [(("20 W",), "59.00", 50), (("65 W",), "149.00", 25)], {"weight": 150}),
    ("Power Bank 10,000 mAh", "electronics", "physical", None, single("119.00", 30), {"weight": 250}),
    ("Wireless Earbuds", "electronics", "physical", ("Colour", ["Black", "White"]),
     [(("Black",), "199.00", 20), (("White",), "199.00", 20)], {"weight": 100}),
    ("Phone Case", "electronics", "physical", ("Model", ["Small", "Large"]),
     [(("Small",), "39.00", 60), (("Large",), "45.00", 60)], {"weight": 80}),
    ("Market Gift Card", "gift-cards", "digital", ("Value", ["100 SAR", "250 SAR", "500 SAR"]),
     [(("100 SAR",), "100.00", None), (("250 SAR",), "250.00", None), (("500 SAR",), "500.00", None)],
     {"is_giftcard": True, "discountable": False}),
]

CLINIC_CATEGORIES = [("consultations", "Consultations", None), ("checkups", "Check-ups & tests", None),
                     ("pharmacy", "Pharmacy", None)]
CLINIC_COLLECTIONS = [("family-care", "Family care")]
CLINIC_PRODUCTS = [
    ("General Practitioner Consultation", "consultations", "booking", None, single("250.00", None),
     {"collection": "family-care", "cms": ("healthcare", "healthcare-appointments", "poi_alnoor_clinic")}),
    ("Paediatric Consultation", "consultations", "booking", None, single("300.00", None),
     {"collection": "family-care", "cms": ("healthcare", "healthcare-appointments", "poi_alnoor_clinic")}),
    ("Dental Cleaning", "consultations", "booking", None, single("350.00", None),
     {"cms": ("healthcare", "healthcare-appointments", "poi_alnoor_dental")}),
    ("Annual Health Check-up", "checkups", "service", ("Package", ["Basic", "Comprehensive"]),
     [(("Basic",), "450.00", None), (("Comprehensive",), "900.00", None)], {"collection": "family-care"}),
    ("Flu Vaccination", "checkups", "service", None, single("120.00", None), {}),
    ("Vitamin D Blood Test", "checkups", "service", None, single("150.00", None), {}),
    ("First Aid Kit", "pharmacy", "physical", None, single("85.00", 25), {"weight": 800}),
    ("Vitamin C 1000 mg (30 tablets)", "pharmacy", "physical", None, single("35.00", 60), {"weight": 100}),
]

TRANSIT_CATEGORIES = [("tickets", "Tickets", None), ("passes", "Passes", None), ("cards", "Cards", None)]
TRANSIT_COLLECTIONS = [("commuter", "Commuter passes")]
TRANSIT_PRODUCTS = [
    ("Single Ride Ticket", "tickets", "digital", None, single("4.00", None),
     {"cms": ("transportation", "transit-passes", "poi_central_station")}),
    ("Day Pass", "passes", "digital", None, single("10.00", None),
     {"cms": ("transportation", "transit-passes", "poi_central_station")}),
    ("Weekly Pass", "passes", "subscription", None, single("40.00", None),
     {"collection": "commuter", "cms": ("transportation", "transit-passes", "poi_central_station")}),
    ("Monthly Pass", "passes", "subscription", ("Zone", ["City", "Metropolitan"]),
     [(("City",), "140.00", None), (("Metropolitan",), "200.00", None)],
     {"collection": "commuter", "cms": ("transportation", "transit-passes", "poi_central_station")}),
    ("Student Monthly Pass", "passes", "subscription", None, single("70.00", None),
     {"collection": "commuter", "cms": ("transportation", "transit-passes", "poi_university_station")}),
    ("Darb Smart Card", "cards", "physical", None, single("15.00", 500), {"weight": 10}),
]

CATALOGS = {
    "market": (MARKET_CATEGORIES, MARKET_COLLECTIONS, MARKET_PRODUCTS),
    "clinic": (CLINIC_CATEGORIES, CLINIC_COLLECTIONS, CLINIC_PRODUCTS),
    "transit": (TRANSIT_CATEGORIES, TRANSIT_COLLECTIONS, TRANSIT_PRODUCTS),
}
