// FP class: helpers called only from handlers (cpprestsdk
// Release/samples/BlackJack/BlackJack_Server/Table.cpp:63, :75, :343).
// DealerTable::Deal() and DealerTable::PayUp() reply to held requests; Deal
// is only called from Bet(http_request), PayUp only from DealerDeal(), which
// is only called from Bet(http_request) and NextPlayer(http_request).
// Today: "'reply' called in 'bj::Table::deal', which has no Request in scope".
// SPEC §1 "in request scope" (inference): deal, dealerDeal and payUp are not
// roots, not virtual, their address is never taken, they are called, and
// every call comes from a function in request scope, so they are in request
// scope and §2 case 2 does not hold: no finding on either line.
// .factoryguard.yaml:
// | contexts:  [bj::Request]
// | managers:  [bj::Response]
// | factories: [bj::Request::reply]
#include <memory>
#include <vector>
namespace bj {
struct Response {};
struct Request { Response reply(int status) const; };
class Table {
public:
  void bet(Request r) { held_.push_back(std::make_shared<Request>(r)); deal(); dealerDeal(); }
  void stay(Request r) { dealerDeal(); }
private:
  void deal() { held_[0]->reply(200); }                 // FP [factoryguard-request-scope]
  void dealerDeal() { payUp(0); }
  void payUp(unsigned i) { held_[i]->reply(200); }      // FP [factoryguard-request-scope]
  std::vector<std::shared_ptr<Request>> held_;
};
} // namespace bj
