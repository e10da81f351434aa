"""Walt.id: DIDs, verifiable credentials, presentations and KYC — real client and sandbox."""
