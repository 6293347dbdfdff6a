"""The model evaluation report sections (``kycledger ml evaluate``)."""
