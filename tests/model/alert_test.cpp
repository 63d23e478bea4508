// Alerts as a model: the rules, the drop that is news, the id, and each
// webhook format's body.

#include "model/alert.hpp"
#include "model/alert_body.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

using namespace keepa;

namespace {

alert sample(const std::string& asin = "B000000001",
             alert_kind kind = alert_kind::new_deal) {
  alert a;
  a.kind = kind;
  a.asin = asin;
  a.id = alert_id(asin, 7'512'345, kind);
  a.title = "Calculus, 8th Edition";
  a.price_now = 12.3;
  a.profit = 8.1;
  a.roi = 45.4;
  a.sales_rank = 12345;
  a.amazon_url = "https://www.amazon.com/dp/" + asin + "?psc=1&aod=1";
  a.board_url = "http://127.0.0.1:8080/deal/" + asin;
  if (kind == alert_kind::price_drop)
    a.previous_price = 15;
  return a;
}

rapidjson::Document parsed(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

} // namespace

TEST_SUITE_BEGIN("alert");

TEST_CASE("a deal must make a profit and pass every set rule, and an "
          "unknown figure fails a set rule") {
  alert_facts f{12, 8.5, 40, 50000, 9};
  CHECK(passes(alert_rules{}, f));
  alert_rules r;
  r.min_profit = 8;
  r.min_roi = 40;
  r.max_rank = 50000;
  r.min_drops90 = 9;
  CHECK(passes(r, f));
  auto fails = [&](auto change) {
    auto g = f;
    change(g);
    return !passes(r, g);
  };
  CHECK(fails([](alert_facts& g) { g.profit = 7.99; }));
  CHECK(fails([](alert_facts& g) { g.roi = 39.9; }));
  CHECK(fails([](alert_facts& g) { g.sales_rank = 50001; }));
  CHECK(fails([](alert_facts& g) { g.drops90 = 8; }));
  CHECK(fails([](alert_facts& g) { g.profit.reset(); }));
  CHECK(fails([](alert_facts& g) { g.sales_rank.reset(); }));
  // Without rules every profitable deal passes, and no other.
  auto bare = f;
  bare.roi.reset();
  bare.sales_rank.reset();
  bare.drops90.reset();
  CHECK(passes(alert_rules{}, bare));
  bare.profit = 0;
  CHECK_FALSE(passes(alert_rules{}, bare));
  bare.profit = -3;
  CHECK_FALSE(passes(alert_rules{}, bare));
  CHECK_FALSE(passes(alert_rules{}, alert_facts{}));
}

TEST_CASE("a drop is news only below the lowest price already alerted by "
          "drop_percent") {
  alert_rules r;
  r.drop_percent = 10;
  CHECK(is_news_drop(r, 20, 18));
  CHECK_FALSE(is_news_drop(r, 20, 18.01));
  CHECK_FALSE(is_news_drop(r, 20, 25));
  CHECK_FALSE(is_news_drop(r, 0, 5));
  CHECK_FALSE(is_news_drop(r, 20, 0));
}

TEST_CASE("an alert's id is its ASIN, Keepa lastUpdate and kind, and a "
          "digest's names its oldest alert and its size") {
  CHECK(alert_id("B000000001", 7512345, alert_kind::new_deal)
        == "B000000001-7512345-new_deal");
  CHECK(alert_id("B000000001", 7512345, alert_kind::price_drop)
        == "B000000001-7512345-price_drop");
  alert_message one{{sample()}};
  CHECK_FALSE(one.is_digest());
  CHECK(one.id() == "B000000001-7512345-new_deal");
  alert_message three{
    {sample("B000000001"), sample("B000000002"), sample("B000000003")}};
  CHECK(three.is_digest());
  CHECK(three.id() == "digest-B000000001-7512345-new_deal-3");
}

TEST_CASE("the generic body carries every field the contract names") {
  auto d = parsed(
    alert_body(alert_format::generic,
               alert_message{{sample("B000000001", alert_kind::price_drop)}}));
  CHECK(std::string{d["id"].GetString()} == "B000000001-7512345-price_drop");
  REQUIRE(d["alerts"].Size() == 1);
  auto& a = d["alerts"][0];
  CHECK(std::string{a["kind"].GetString()} == "price_drop");
  CHECK(std::string{a["asin"].GetString()} == "B000000001");
  CHECK(std::string{a["title"].GetString()} == "Calculus, 8th Edition");
  CHECK(a["price_now"].GetDouble() == doctest::Approx(12.3));
  CHECK(a["previous_price"].GetDouble() == doctest::Approx(15));
  CHECK(a["profit"].GetDouble() == doctest::Approx(8.1));
  CHECK(a["roi"].GetDouble() == doctest::Approx(45.4));
  CHECK(a["sales_rank"].GetInt64() == 12345);
  CHECK(std::string{a["amazon_url"].GetString()}
        == "https://www.amazon.com/dp/B000000001?psc=1&aod=1");
  CHECK(std::string{a["board_url"].GetString()}
        == "http://127.0.0.1:8080/deal/B000000001");
  auto fresh
    = parsed(alert_body(alert_format::generic, alert_message{{sample()}}));
  CHECK(fresh["alerts"][0]["previous_price"].IsNull());
}

TEST_CASE("a Discord body is an embed an alert, mentions nobody and "
          "escapes markdown") {
  auto a = sample();
  a.title = "@everyone **FREE** `book`";
  auto d = parsed(alert_body(alert_format::discord, alert_message{{a}}));
  CHECK(d["allowed_mentions"]["parse"].Size() == 0);
  REQUIRE(d["embeds"].Size() == 1);
  auto& e = d["embeds"][0];
  CHECK(std::string{e["title"].GetString()}
        == "New deal: @everyone **FREE** `book`");
  CHECK(std::string{e["url"].GetString()} == a.amazon_url);
  CHECK(std::string{e["description"].GetString()}.find(
          "price $12.30 · profit $8.10 · ROI 45% · rank 12,345")
        == 0);
  CHECK(std::string{d["content"].GetString()}.empty());
  std::vector<alert> many;
  for (int i = 0; i < 12; ++i)
    many.push_back(sample("B00000000" + std::to_string(i % 10)));
  many[11].title = "*bold*";
  auto digest = parsed(alert_body(alert_format::discord, alert_message{many}));
  CHECK(digest["embeds"].Size() == 10);
  std::string content = digest["content"].GetString();
  CHECK(content.rfind("12 deals", 0) == 0);
  CHECK(content.find("New deal: \\*bold\\*") != std::string::npos);
}

TEST_CASE("a Slack body is a section block an alert with its text "
          "escaped") {
  auto a = sample();
  a.title = "<script>alert(1)</script> & more";
  auto d = parsed(alert_body(alert_format::slack, alert_message{{a}}));
  REQUIRE(d["blocks"].Size() == 1);
  std::string text = d["blocks"][0]["text"]["text"].GetString();
  CHECK(std::string{d["blocks"][0]["text"]["type"].GetString()} == "mrkdwn");
  CHECK(text.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more")
        != std::string::npos);
  CHECK(text.find("<script>") == std::string::npos);
  CHECK(text.find("<" + a.amazon_url + "|") != std::string::npos);
  CHECK(std::string{d["text"].GetString()}.find("New deal: ") == 0);
}

TEST_CASE("a Telegram body is a sendMessage of plain text to the chat, "
          "cut at Telegram's limit on a character boundary") {
  auto d = parsed(
    alert_body(alert_format::telegram, alert_message{{sample()}}, "-100123"));
  CHECK(std::string{d["chat_id"].GetString()} == "-100123");
  CHECK(d["disable_web_page_preview"].GetBool());
  std::string text = d["text"].GetString();
  CHECK(text.find("New deal: Calculus, 8th Edition — price $12.30")
        != std::string::npos);
  CHECK(text.find("https://www.amazon.com/dp/B000000001") != std::string::npos);
  std::vector<alert> many(200, sample());
  for (auto& a : many)
    a.title = std::string(30, 'x') + "ü";
  std::string long_text = parsed(alert_body(alert_format::telegram,
                                            alert_message{many}, "1"))["text"]
                            .GetString();
  CHECK(long_text.size() <= 4096);
  CHECK(long_text.substr(long_text.size() - 3) == "…");
}

TEST_CASE("formats are named as in config.ini") {
  CHECK(parse_alert_format("discord") == alert_format::discord);
  CHECK(parse_alert_format("generic") == alert_format::generic);
  CHECK(parse_alert_format("Slack") == std::nullopt);
  CHECK(std::string{to_string(alert_format::telegram)} == "telegram");
}

TEST_SUITE_END();

TEST_CASE("an outbox row's alert reads back as it was written") {
  auto a = sample();
  a.kind = alert_kind::price_drop;
  a.previous_price = 31.5;
  auto back = read_alert(alert_body(alert_format::generic, alert_message{{a}}));
  REQUIRE(back);
  CHECK(back->id == a.id);
  CHECK(back->kind == alert_kind::price_drop);
  CHECK(back->asin == a.asin);
  CHECK(back->title == a.title);
  CHECK(back->price_now == doctest::Approx(a.price_now));
  CHECK(back->previous_price == 31.5);
  CHECK(back->profit == a.profit);
  CHECK(back->sales_rank == a.sales_rank);
  CHECK(back->amazon_url == a.amazon_url);
  for (auto bad : {"", "[]", "{\"alerts\":[]}", "{\"alerts\":[{\"id\":\"x\"}]}",
                   "{\"alerts\":[1]}", "not json"})
    CHECK_MESSAGE(!read_alert(bad), bad);
  auto two = alert_body(alert_format::generic, alert_message{{a, a}});
  CHECK_FALSE(read_alert(two));
}
