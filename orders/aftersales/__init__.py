"""After-sales service: an investor's questions and complaints to an institution, answered in
the portal, with a first-response target; late or escalated ones reach platform staff."""
