// DECIDED (was a debatable class, not an FP) (cpprestsdk
// Release/tests/functional/http/listener/connections_and_errors.cpp:115):
// a handler stores the request, and code outside any handler replies to it
// later (long polling, "send the response later"). The factory is a method of
// the context class, called on a context object.
// Today: "'reply' called in 'later', which has no Request in scope".
// SPEC as written: §2 case 2 holds (later() has no parameter, capture, member
// or local *of* context type: a vector<Request> is not one of the forms §1
// lists, and no inference applies since later() is called from main). Open
// question for the lead: should a factory's implicit object argument of
// context type (req.reply()) count as the context being in scope?
// .factoryguard.yaml:
// | contexts:  [web::Request]
// | managers:  [web::Response]
// | factories: [web::Request::reply]
#include <functional>
#include <vector>
namespace web {
struct Response {};
struct Request { Response reply(int status) const; };
void support(std::function<void(Request)> handler);
} // namespace web
std::vector<web::Request> held;
void later() { held[0].reply(200); }                    // decided compliant (README; testdata case 27/28)
int main() { web::support([](web::Request r) { held.push_back(r); }); later(); }
