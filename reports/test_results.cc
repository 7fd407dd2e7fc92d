#include "reports/test_results.h"

namespace shakedown {

RunResult SmallRun() {
  RunResult run;
  run.target = "tcp:127.0.0.1:4433";
  run.started_at = "2024-05-01T12:00:00Z";
  run.command_line = "shakedown run --target tcp:127.0.0.1:4433 vectors/";
  run.duration_ms = 1234;

  VectorResult pass;
  pass.id = "server.ccs.before-cke";
  pass.title = "Server rejects ChangeCipherSpec before ClientKeyExchange";
  pass.topic = "server.ccs";
  pass.file = "vectors/server/ccs.json";
  pass.refs = {"RFC 5246 7.1", "RFC 5246 7.4.9"};
  pass.verdict = Verdict::kPass;
  pass.duration_ms = 12;
  pass.trace = {
      {TraceEntry::Kind::kSent, 0, 0, "ClientHello(version=TLSv1.2)", "16030100", 0.5},
      {TraceEntry::Kind::kReceived, 0, 1, "ServerHello(version=TLSv1.2)", "16030300", 3.0},
      {TraceEntry::Kind::kNote, 0, -1, "connection closed", "", 11.0},
  };
  pass.transitions = {
      {"start", "C:client_hello", "C:client_hello", true, 0},
      {"C:client_hello", "S:server_hello", "S:server_hello", true, 0},
      {"S:server_hello", "S:certificate", "S:certificate", true, 0},
  };

  VectorResult fail;
  fail.id = "server.order.finished-first";
  fail.title = "Finished before ChangeCipherSpec";
  fail.topic = "server.order";
  fail.file = "vectors/server/order.json";
  fail.refs = {"RFC 5246 7.4.9"};
  fail.verdict = Verdict::kFail;
  fail.failed_connection = 0;
  fail.failed_step = 3;
  fail.rule = "expect alert unexpected_message";
  fail.message = "expected Alert(fatal, unexpected_message), got ServerHelloDone";
  fail.duration_ms = 40;
  fail.trace = {
      {TraceEntry::Kind::kSent, 0, 0, "ClientHello(version=TLSv1.2)", "16030100", 0.5},
      {TraceEntry::Kind::kReceived, 0, 1, "ServerHello", "160303", 2.0},
      {TraceEntry::Kind::kSent, 0, 3, "Finished(verify_data=00..)", "14030300", 5.0},
      {TraceEntry::Kind::kReceived, 0, 3, "ServerHelloDone", "0e000000", 6.0},
  };
  fail.transitions = {
      {"start", "C:client_hello", "C:client_hello", true, 0},
      {"C:client_hello", "S:server_hello", "S:server_hello", true, 0},
      {"S:server_hello", "C:finished", "C:finished", false, 0},
  };

  VectorResult error;
  error.id = "client.bad-vector";
  error.title = "A vector whose file does not parse";
  error.topic = "server.order";
  error.file = "vectors/client/bad.json";
  error.verdict = Verdict::kError;
  error.rule = "vector: steps[2].send: unknown message \"Helo\"";
  error.message = "the vector could not be run";
  error.duration_ms = 0.25;

  run.vectors = {pass, fail, error};
  return run;
}

std::vector<std::string> HostileStrings() {
  return {
      "</script><script>alert(1)</script>",
      "<![CDATA[ x ]]> ]]>",
      "\"quotes' & <tags> &amp; &#0; &#x1;",
      std::string("nul\0byte", 8),
      "ctl\x01\x02\x1b[2J\x1b]0;title\x07\x7f",
      "bad \xff\xfe utf8 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82",
      "rtl \xe2\x80\xae gnp.exe \xe2\x81\xa6 isolate",
      "nonchar \xef\xbf\xbe \xef\xbf\xbf",
      "c1 \xc2\x9b" "31m",
      "-- comment --> <!-- open",
      "dot \\N \\G \\\" \" -> x; } digraph { y",
      "lines\r\nand\ttabs\n",
      "C:client_hello",
      std::string(100000, 'A') + "\xe2\x80\xae" + std::string(1000, '<'),
      "",
  };
}

RunResult HostileRun() {
  const std::vector<std::string> h = HostileStrings();
  RunResult run;
  run.target = h[0];
  run.started_at = h[1];
  run.command_line = h[2] + h[3];
  run.duration_ms = 1e300;
  for (size_t i = 0; i < h.size(); ++i) {
    const std::string& s = h[i];
    VectorResult v;
    v.id = s + "#" + std::to_string(i);
    v.title = s;
    v.topic = h[(i + 1) % h.size()];
    v.file = s;
    v.refs = {s, h[(i + 3) % h.size()]};
    v.verdict = static_cast<Verdict>(i % 3);
    v.failed_connection = static_cast<int>(i % 2);
    v.failed_step = static_cast<int>(i) - 1;
    v.rule = s;
    v.message = h[(i + 5) % h.size()];
    v.duration_ms = i == 2 ? -5 : static_cast<double>(i);
    v.trace = {
        {TraceEntry::Kind::kSent, 0, static_cast<int>(i) - 1, s, s, 1.0},
        {TraceEntry::Kind::kReceived, 1, 0, h[(i + 2) % h.size()], "", 2.0},
        {TraceEntry::Kind::kNote, 0, -1, s, s, -1.0},
    };
    v.transitions = {
        {"start", "C:client_hello", "C:client_hello", true, 0},
        {s, s, s, i % 2 == 0, 0},
        {s, h[(i + 4) % h.size()], s, false, 1},
    };
    run.vectors.push_back(std::move(v));
  }
  return run;
}

}  // namespace shakedown
