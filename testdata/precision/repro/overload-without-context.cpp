// DECIDED (was a debatable class, not an FP) (cpp-httplib httplib.h:6893 ... :7154, 14
// findings): a factory entry names a method by its qualified name, so it
// matches every overload; one overload takes the Request, another builds a
// fresh Request itself and forwards to the first. Calls of the second from a
// client's Post() are reported although they start a request rather than
// need one, and the advice "pass the request's context down" cannot be
// followed. SPEC: the definition holds as configured (a configured factory
// may lack a context parameter, §1); the configuration language cannot name
// one overload. Open question: should an entry that matches an overload
// with a context parameter skip the overloads without one, or should entries
// accept a signature?
// .factoryguard.yaml:
// | contexts:  [http::Request]
// | managers:  [http::Response]
// | factories: [http::Client::send]
#include <memory>
#include <string>
namespace http {
struct Request { std::string method, path; };
struct Response {};
struct Client {
  std::unique_ptr<Response> send(Request &req);
  std::unique_ptr<Response> send(const std::string &method, const std::string &path) {
    Request req{method, path};
    return send(req);                                   // compliant: local Request
  }
  std::unique_ptr<Response> post(const std::string &path) { return send("POST", path); } // decided compliant (README; testdata case 27/28)
};
} // namespace http
int main() { http::Client c; c.post("/x"); }
