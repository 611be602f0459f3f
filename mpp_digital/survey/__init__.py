"""The satisfaction survey (SKM) of PermenPAN-RB 14/2017 and its index (IKM)."""
