package io.execkpi.thelook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Static reference data: value domains of public thelook, synthetic word lists, geography, the
 * distribution centers and the product catalog. The catalog is a pure function of (seed, scale), so
 * a top-up run rebuilds it in memory instead of reading it back.
 *
 * <p>Catalog size: {@code round(29_120 * max(scale, 0.1))} products (public thelook has 29,120), so
 * even small test warehouses keep a realistic, well-populated catalog.
 */
final class Catalog {

    // ---- value domains (the public dataset's) ----
    static final String[] ORDER_STATUSES = {"Complete", "Cancelled", "Returned", "Processing", "Shipped"};
    static final double[] ORDER_STATUS_CUM = Rand.cumulative(0.25, 0.15, 0.10, 0.20, 0.30);
    static final int STATUS_COMPLETE = 0;
    static final int STATUS_CANCELLED = 1;
    static final int STATUS_RETURNED = 2;
    static final int STATUS_PROCESSING = 3;
    static final int STATUS_SHIPPED = 4;

    static final String[] EVENT_TYPES = {"home", "department", "product", "cart", "purchase", "cancel"};
    static final byte EV_HOME = 0;
    static final byte EV_DEPARTMENT = 1;
    static final byte EV_PRODUCT = 2;
    static final byte EV_CART = 3;
    static final byte EV_PURCHASE = 4;
    static final byte EV_CANCEL = 5;

    /** events.traffic_source. */
    static final String[] EVENT_SOURCES = {"Email", "Adwords", "YouTube", "Facebook", "Organic"};
    static final double[] EVENT_SOURCE_CUM = Rand.cumulative(0.45, 0.30, 0.06, 0.06, 0.13);
    /** users.traffic_source. */
    static final String[] USER_SOURCES = {"Search", "Organic", "Facebook", "Email", "Display"};
    static final double[] USER_SOURCE_CUM = Rand.cumulative(0.70, 0.15, 0.06, 0.05, 0.04);
    static final String[] BROWSERS = {"Chrome", "Firefox", "Safari", "IE", "Other"};
    static final double[] BROWSER_CUM = Rand.cumulative(0.50, 0.20, 0.20, 0.05, 0.05);

    // ---- synthetic names (no real personal data) ----
    static final String[] FEMALE_NAMES = {"Anna", "Beth", "Clara", "Dana", "Elena", "Fiona", "Grace", "Hana",
        "Iris", "Julia", "Kara", "Lena", "Maya", "Nora", "Olga", "Paula", "Rosa", "Sara", "Tara", "Vera"};
    static final String[] MALE_NAMES = {"Adam", "Ben", "Carl", "David", "Erik", "Felix", "Glen", "Hugo", "Ivan",
        "Jack", "Karl", "Leo", "Marc", "Nick", "Omar", "Paul", "Raul", "Sam", "Tom", "Victor"};
    static final String[] LAST_NAMES = {"Adler", "Baker", "Castro", "Dunn", "Ellis", "Fischer", "Garcia", "Hale",
        "Ito", "Jensen", "Kim", "Lopez", "Moreau", "Novak", "Olsen", "Park", "Quinn", "Rossi", "Silva", "Tanaka",
        "Usman", "Vogel", "Wang", "Xu", "Young", "Zhang", "Li", "Chen", "Smith", "Meyer"};
    static final String[] STREETS = {"Oak", "Maple", "Cedar", "Pine", "Elm", "Lake", "Hill", "River", "Park",
        "Sunset", "Mill", "Church", "Forest", "Garden", "Spring"};
    static final String[] STREET_SUFFIXES = {"Street", "Avenue", "Road", "Lane", "Drive", "Way"};
    static final String[] EMAIL_DOMAINS = {"example.com", "example.org", "example.net"};

    /** A place users and sessions come from. Postal pattern: '#' digit, '?' upper-case letter. */
    record Place(String country, String state, String city, double latitude, double longitude, String postal) {
    }

    /** Country shares roughly as in public thelook (China, US and Brasil dominate). */
    static final Place[] PLACES = {
        new Place("China", "Shanghai", "Shanghai", 31.23, 121.47, "200###"),
        new Place("China", "Beijing", "Beijing", 39.90, 116.40, "100###"),
        new Place("China", "Guangdong", "Guangzhou", 23.13, 113.26, "510###"),
        new Place("China", "Guangdong", "Shenzhen", 22.54, 114.06, "518###"),
        new Place("China", "Sichuan", "Chengdu", 30.57, 104.07, "610###"),
        new Place("China", "Zhejiang", "Hangzhou", 30.27, 120.16, "310###"),
        new Place("United States", "California", "Los Angeles", 34.05, -118.24, "900##"),
        new Place("United States", "New York", "New York", 40.71, -74.01, "100##"),
        new Place("United States", "Texas", "Houston", 29.76, -95.37, "770##"),
        new Place("United States", "Illinois", "Chicago", 41.88, -87.63, "606##"),
        new Place("United States", "Florida", "Miami", 25.76, -80.19, "331##"),
        new Place("United States", "Washington", "Seattle", 47.61, -122.33, "981##"),
        new Place("Brasil", "Sao Paulo", "Sao Paulo", -23.55, -46.63, "0####-###"),
        new Place("Brasil", "Rio de Janeiro", "Rio de Janeiro", -22.91, -43.17, "2####-###"),
        new Place("Brasil", "Minas Gerais", "Belo Horizonte", -19.92, -43.94, "3####-###"),
        new Place("South Korea", "Seoul", "Seoul", 37.57, 126.98, "0####"),
        new Place("South Korea", "Busan", "Busan", 35.18, 129.08, "4####"),
        new Place("France", "Ile-de-France", "Paris", 48.86, 2.35, "75###"),
        new Place("France", "Auvergne-Rhone-Alpes", "Lyon", 45.76, 4.84, "69###"),
        new Place("United Kingdom", "England", "London", 51.51, -0.13, "?# #??"),
        new Place("United Kingdom", "England", "Manchester", 53.48, -2.24, "M# #??"),
        new Place("Germany", "Berlin", "Berlin", 52.52, 13.40, "1####"),
        new Place("Germany", "Bayern", "Munich", 48.14, 11.58, "8####"),
        new Place("Spain", "Madrid", "Madrid", 40.42, -3.70, "28###"),
        new Place("Spain", "Catalonia", "Barcelona", 41.39, 2.17, "08###"),
        new Place("Japan", "Tokyo", "Tokyo", 35.68, 139.69, "1##-####"),
        new Place("Japan", "Osaka", "Osaka", 34.69, 135.50, "5##-####"),
        new Place("Belgium", "Brussels", "Brussels", 50.85, 4.35, "1###"),
        new Place("Australia", "New South Wales", "Sydney", -33.87, 151.21, "2###"),
        new Place("Australia", "Victoria", "Melbourne", -37.81, 144.96, "3###"),
        new Place("Poland", "Mazowieckie", "Warsaw", 52.23, 21.01, "0#-###"),
        new Place("Colombia", "Bogota", "Bogota", 4.71, -74.07, "11####"),
    };
    static final double[] PLACE_CUM = Rand.cumulative(
        0.09, 0.07, 0.05, 0.05, 0.04, 0.04,
        0.05, 0.05, 0.03, 0.03, 0.03, 0.03,
        0.07, 0.05, 0.025,
        0.035, 0.018,
        0.03, 0.016,
        0.03, 0.016,
        0.025, 0.017,
        0.025, 0.015,
        0.015, 0.009,
        0.012,
        0.012, 0.008,
        0.004, 0.004);

    static String postalCode(SplittableRandom r, String pattern) {
        char[] out = pattern.toCharArray();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '#') {
                out[i] = (char) ('0' + r.nextInt(10));
            } else if (out[i] == '?') {
                out[i] = (char) ('A' + r.nextInt(26));
            }
        }
        return new String(out);
    }

    // ---- distribution centers (as in public thelook) ----
    record DistributionCenter(int id, String name, double latitude, double longitude) {
    }

    static final DistributionCenter[] DISTRIBUTION_CENTERS = {
        new DistributionCenter(1, "Memphis TN", 35.1174, -89.9711),
        new DistributionCenter(2, "Chicago IL", 41.8369, -87.6847),
        new DistributionCenter(3, "Houston TX", 29.7604, -95.3698),
        new DistributionCenter(4, "Los Angeles CA", 34.05, -118.25),
        new DistributionCenter(5, "New Orleans LA", 29.95, -90.0667),
        new DistributionCenter(6, "Port Authority of New York/New Jersey NY/NJ", 40.634, -73.7834),
        new DistributionCenter(7, "Philadelphia PA", 39.95, -75.1667),
        new DistributionCenter(8, "Mobile AL", 30.6944, -88.0431),
        new DistributionCenter(9, "Charleston SC", 32.7833, -79.9333),
        new DistributionCenter(10, "Savannah GA", 32.0167, -81.1167),
    };
    static final double[] DC_CUM = Rand.cumulative(0.12, 0.14, 0.12, 0.10, 0.09, 0.11, 0.09, 0.08, 0.08, 0.07);

    // ---- categories: department, name, share of department, price range, product nouns ----
    record Category(String department, String name, double share, double minPrice, double maxPrice,
                    String[] nouns) {
        String slug() {
            return name.toLowerCase(Locale.ROOT).replace(" & ", "-").replace(' ', '-');
        }
    }

    static final Category[] CATEGORIES = {
        new Category("Women", "Intimates", 0.13, 8, 60, new String[] {"Bra", "Bralette", "Panty", "Camisole"}),
        new Category("Women", "Jeans", 0.08, 25, 200, new String[] {"Jeans", "Skinny Jeans", "Bootcut Jeans"}),
        new Category("Women", "Tops & Tees", 0.08, 8, 80, new String[] {"Tee", "Tank Top", "Blouse"}),
        new Category("Women", "Fashion Hoodies & Sweatshirts", 0.06, 20, 120, new String[] {"Hoodie", "Sweatshirt"}),
        new Category("Women", "Sleep & Lounge", 0.07, 10, 90, new String[] {"Pajama Set", "Robe", "Nightgown"}),
        new Category("Women", "Dresses", 0.09, 20, 250, new String[] {"Dress", "Maxi Dress", "Wrap Dress"}),
        new Category("Women", "Swim", 0.07, 15, 150, new String[] {"Bikini", "One-Piece Swimsuit", "Cover-Up"}),
        new Category("Women", "Shorts", 0.05, 10, 80, new String[] {"Shorts", "Denim Shorts"}),
        new Category("Women", "Sweaters", 0.07, 20, 250, new String[] {"Cardigan", "Pullover", "Turtleneck"}),
        new Category("Women", "Accessories", 0.06, 5, 120, new String[] {"Scarf", "Belt", "Hat", "Sunglasses"}),
        new Category("Women", "Outerwear & Coats", 0.04, 40, 400, new String[] {"Coat", "Parka", "Trench Coat"}),
        new Category("Women", "Active", 0.04, 15, 120, new String[] {"Sports Bra", "Running Tights", "Yoga Top"}),
        new Category("Women", "Pants & Capris", 0.04, 15, 150, new String[] {"Pants", "Capris", "Chinos"}),
        new Category("Women", "Socks & Hosiery", 0.03, 5, 30, new String[] {"Socks", "Tights"}),
        new Category("Women", "Maternity", 0.03, 15, 120, new String[] {"Maternity Dress", "Maternity Jeans"}),
        new Category("Women", "Blazers & Jackets", 0.03, 30, 250, new String[] {"Blazer", "Jacket"}),
        new Category("Women", "Skirts", 0.02, 15, 120, new String[] {"Skirt", "Pencil Skirt"}),
        new Category("Women", "Plus", 0.03, 15, 120, new String[] {"Plus Top", "Plus Dress"}),
        new Category("Women", "Suits", 0.01, 50, 300, new String[] {"Suit", "Pant Suit"}),
        new Category("Women", "Leggings", 0.03, 10, 70, new String[] {"Leggings"}),
        new Category("Women", "Jumpsuits & Rompers", 0.01, 20, 150, new String[] {"Jumpsuit", "Romper"}),
        new Category("Women", "Clothing Sets", 0.005, 20, 120, new String[] {"Two-Piece Set"}),
        new Category("Men", "Underwear", 0.07, 8, 50, new String[] {"Boxer Briefs", "Trunks", "Undershirt"}),
        new Category("Men", "Jeans", 0.09, 25, 220, new String[] {"Jeans", "Slim Jeans", "Straight Jeans"}),
        new Category("Men", "Tops & Tees", 0.10, 8, 80, new String[] {"Tee", "Polo", "Henley"}),
        new Category("Men", "Fashion Hoodies & Sweatshirts", 0.09, 20, 130, new String[] {"Hoodie", "Sweatshirt"}),
        new Category("Men", "Sleep & Lounge", 0.07, 12, 90, new String[] {"Pajama Pants", "Robe", "Lounge Set"}),
        new Category("Men", "Shorts", 0.09, 12, 90, new String[] {"Shorts", "Cargo Shorts"}),
        new Category("Men", "Swim", 0.08, 12, 90, new String[] {"Swim Trunks", "Board Shorts"}),
        new Category("Men", "Sweaters", 0.08, 25, 250, new String[] {"Sweater", "Cardigan", "Quarter-Zip"}),
        new Category("Men", "Accessories", 0.07, 5, 150, new String[] {"Belt", "Cap", "Wallet", "Tie"}),
        new Category("Men", "Outerwear & Coats", 0.06, 40, 450, new String[] {"Jacket", "Parka", "Peacoat"}),
        new Category("Men", "Active", 0.07, 15, 120, new String[] {"Training Shorts", "Track Jacket", "Tech Tee"}),
        new Category("Men", "Pants", 0.07, 18, 160, new String[] {"Chinos", "Trousers", "Cargo Pants"}),
        new Category("Men", "Socks", 0.05, 5, 30, new String[] {"Socks", "Crew Socks"}),
        new Category("Men", "Suits & Sport Coats", 0.04, 80, 600, new String[] {"Suit", "Sport Coat", "Blazer"}),
    };

    static final String[] BRANDS = {"Harbor Lane", "Northwind Apparel", "Cedar & Co", "Driftline", "Elmwood",
        "Fairhaven", "Granite Row", "Ironbridge", "Juniper Works", "Kestrel", "Larkspur", "Meridian Knit",
        "Oakridge", "Pinecrest", "Quill & Thread", "Redwood Supply", "Saltmarsh", "Tidewater", "Upland Goods",
        "Vantage", "Willowmere", "Yarrow", "Zephyr Active", "Copperline", "Brightwater", "Stonebrook",
        "Lumen Basics", "Fernhill", "Bluefield", "Allendale", "Marlow", "Seabright", "Havenwood", "Cobalt Mill",
        "Ashgrove", "Greyfield", "Sundial", "Birchmont", "Coastline", "Everly"};
    static final String[] ADJECTIVES = {"Classic", "Slim Fit", "Relaxed", "Cotton", "Stretch", "Vintage",
        "Essential", "Lightweight", "Performance", "Organic Cotton", "Striped", "Printed", "Knit", "Premium",
        "Everyday", "Soft"};

    /** One product row plus its popularity weight (how often sessions look at and buy it). */
    record Product(int id, double cost, Category category, String name, String brand, double retailPrice,
                   String sku, int distributionCenterId, String productUri, String departmentUri) {
        String department() {
            return category.department();
        }
    }

    final List<Product> products;
    /** Popularity samplers per department: [0] Women, [1] Men. */
    private final int[][] deptProducts = new int[2][];
    private final double[][] deptCum = new double[2][];

    static int productCount(double scale) {
        return (int) StrictMath.round(29_120 * Math.max(scale, 0.1));
    }

    Catalog(long seed, double scale) {
        SplittableRandom r = Rand.stream(seed, Rand.STREAM_CATALOG, 0);
        int n = productCount(scale);
        double[] catCum = new double[CATEGORIES.length];
        double sum = 0;
        for (int i = 0; i < CATEGORIES.length; i++) {
            // Women 55 %, Men 45 % of the catalog (public thelook: 15,989 / 13,131)
            sum += CATEGORIES[i].share() * (CATEGORIES[i].department().equals("Women") ? 0.55 : 0.45);
            catCum[i] = sum;
        }
        double[] brandCum = new double[BRANDS.length];
        sum = 0;
        for (int i = 0; i < BRANDS.length; i++) {
            sum += 1.0 / StrictMath.pow(i + 1, 0.7); // a few big brands, a long tail
            brandCum[i] = sum;
        }
        products = new ArrayList<>(n);
        List<Integer> women = new ArrayList<>();
        List<Integer> men = new ArrayList<>();
        List<Double> womenW = new ArrayList<>();
        List<Double> menW = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            Category c = CATEGORIES[Rand.pick(r, catCum)];
            String brand = BRANDS[Rand.pick(r, brandCum)];
            // log-uniform price within the category's range: many cheap items, a few expensive ones
            double u = r.nextDouble();
            double price = c.minPrice() * StrictMath.pow(c.maxPrice() / c.minPrice(), u * u * 0.6 + u * 0.4);
            price = StrictMath.round(price * 100.0) / 100.0 - 0.01;
            price = Math.max(price, 0.99);
            double cost = StrictMath.round(price * (0.35 + 0.25 * r.nextDouble()) * 100.0) / 100.0;
            String noun = c.nouns()[r.nextInt(c.nouns().length)];
            String adjective = ADJECTIVES[r.nextInt(ADJECTIVES.length)];
            String who = c.department().equals("Women") ? "Women's" : "Men's";
            String name = brand + " " + who + " " + adjective + " " + noun;
            String sku = Long.toHexString(r.nextLong() | 0x8000000000000000L).toUpperCase(Locale.ROOT)
                + Long.toHexString(r.nextLong() | 0x8000000000000000L).toUpperCase(Locale.ROOT);
            int dc = DISTRIBUTION_CENTERS[Rand.pick(r, DC_CUM)].id();
            double popularity = StrictMath.exp(0.9 * Rand.gaussian(r));
            String deptUri = "/department/" + c.department().toLowerCase(Locale.ROOT) + "/category/" + c.slug()
                + "/brand/" + brand.toLowerCase(Locale.ROOT).replace(" & ", "-").replace(' ', '-');
            products.add(new Product(id, cost, c, name, brand, price, sku, dc, "/product/" + id, deptUri));
            if (c.department().equals("Women")) {
                women.add(id);
                womenW.add(popularity);
            } else {
                men.add(id);
                menW.add(popularity);
            }
        }
        fill(0, women, womenW);
        fill(1, men, menW);
    }

    private void fill(int dept, List<Integer> ids, List<Double> weights) {
        deptProducts[dept] = ids.stream().mapToInt(Integer::intValue).toArray();
        double[] c = new double[weights.size()];
        double s = 0;
        for (int i = 0; i < c.length; i++) {
            s += weights.get(i);
            c[i] = s;
        }
        deptCum[dept] = c;
    }

    Product product(int id) {
        return products.get(id - 1);
    }

    /** A product of the department ('F' → Women, 'M' → Men), drawn by popularity. */
    Product pickProduct(SplittableRandom r, char gender) {
        int d = gender == 'F' ? 0 : 1;
        return product(deptProducts[d][Rand.pick(r, deptCum[d])]);
    }
}
