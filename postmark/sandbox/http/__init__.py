"""HTTP plumbing: the threaded server, routing, the request pipeline, errors, faults.

:mod:`.server` reads requests and writes replies, :mod:`.pipeline` turns a
request into a reply (faults, tokens, media types, JSON), :mod:`.router`
holds the request, reply and route types, :mod:`.errors` Postmark's error
answers, :mod:`.faults` the fault injector and :mod:`.callouts` the calls
the sandbox makes to user endpoints on this machine.
"""
