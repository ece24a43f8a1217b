"""Fathom's kernel beyond the shared suite: forged signatures, interrupts, shutdown, restart.

Run by Tests/FathomShellTests/JupyterKernelTests.swift (JUPYTER_PATH names the installed spec).
"""
import time
import unittest
from queue import Empty

from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

TIMEOUT = 30


def reply_to(kc, msg_id, timeout=TIMEOUT):
    """The shell reply to msg_id, skipping others."""
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def run(kc, code, timeout=TIMEOUT):
    """Executes code; returns the reply and the execute_result's text, if any."""
    msg_id = kc.execute(code)
    reply = reply_to(kc, msg_id, timeout)
    shown = None
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_result":
            shown = msg["content"]["data"]["text/plain"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return reply, shown


class FathomKernelBehaviour(unittest.TestCase):
    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name="fathom")

    def tearDown(self):
        self.kc.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=True)

    def test_forged_signature_is_refused(self):
        forger = Session(key=b"not-the-key", username="forger")
        msg = forger.msg("execute_request", {"code": "x = 666", "silent": False, "store_history": True,
                                             "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        forger.send(self.kc.shell_channel.socket, msg)
        with self.assertRaises(Empty):
            self.kc.get_shell_msg(timeout=2)
        reply, shown = run(self.kc, "exists = 1\nexists")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(shown, "1")
        # The forged statement never ran.
        reply, _ = run(self.kc, "x")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["evalue"], "unknown name 'x'")

    def interrupt_long_cell(self, interrupt):
        reply, _ = run(self.kc, "x = 41")
        self.assertEqual(reply["content"]["status"], "ok")
        msg_id = self.kc.execute("y = sort(runif(5e7, seed=1))")
        time.sleep(0.5)
        started = time.monotonic()
        interrupt()
        reply = reply_to(self.kc, msg_id, timeout=TIMEOUT)
        took = time.monotonic() - started
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertLess(took, 5.0)
        self.assertTrue(self.km.is_alive())
        reply, shown = run(self.kc, "x + 1")
        self.assertEqual(shown, "42")
        reply, _ = run(self.kc, "y")
        self.assertEqual(reply["content"]["evalue"], "unknown name 'y'")
        print(f"interrupt answered in {took:.3f} s")

    def test_interrupt_by_signal_keeps_the_session(self):
        self.interrupt_long_cell(self.km.interrupt_kernel)

    def test_interrupt_request_on_control_keeps_the_session(self):
        def by_message():
            msg = self.kc.session.msg("interrupt_request", {})
            self.kc.control_channel.send(msg)
            reply = self.kc.control_channel.get_msg(timeout=TIMEOUT)
            self.assertEqual(reply["msg_type"], "interrupt_reply")
            self.assertEqual(reply["content"]["status"], "ok")
        self.interrupt_long_cell(by_message)

    def test_shutdown_while_a_cell_runs(self):
        self.kc.execute("y = sort(runif(5e7, seed=1))")
        time.sleep(0.5)
        msg = self.kc.session.msg("shutdown_request", {"restart": False})
        self.kc.control_channel.send(msg)
        reply = self.kc.control_channel.get_msg(timeout=TIMEOUT)
        self.assertEqual(reply["msg_type"], "shutdown_reply")
        self.assertEqual(reply["content"], {"status": "ok", "restart": False})
        deadline = time.monotonic() + 10
        while self.km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(self.km.is_alive())
        self.assertEqual(self.km.provisioner.process.returncode, 0)

    def test_restart_starts_a_new_session(self):
        run(self.kc, "x = 1")
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=TIMEOUT)
        reply, _ = run(self.kc, "x")
        self.assertEqual(reply["content"]["evalue"], "unknown name 'x'")
        reply, shown = run(self.kc, "2 * 21")
        self.assertEqual(shown, "42")


if __name__ == "__main__":
    unittest.main()
