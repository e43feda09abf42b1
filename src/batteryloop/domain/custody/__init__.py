"""Chain of custody's pure core: the tamper-evident log's hashing, proofs and tree-head text.

- :mod:`.merkle`: RFC 9162 §2.1 Merkle tree hashing, inclusion and consistency proofs (reference computation over
  leaf hashes, and computation from any ``subtree_hash(start, end)`` source such as stored subtree hashes) and
  the two verifiers, which explain why a proof fails instead of raising.
- :mod:`.checkpoint`: the C2SP tlog-checkpoint text (origin, size, root) and the C2SP signed-note envelope
  around it. No keys are handled here: signing and Ed25519 verification belong to the services.

References:
    RFC 9162, Certificate Transparency Version 2.0, §2.1 (2021).
    C2SP tlog-checkpoint and signed-note specifications (https://c2sp.org).
"""
