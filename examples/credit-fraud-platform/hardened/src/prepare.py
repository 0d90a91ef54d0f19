"""Join pseudonymised applicants with bureau scores and build the feature tables."""
import pandas as pd

apps = pd.read_csv("data/applicants.csv")
bureau = pd.read_csv("data/bureau_scores.csv")
apps = apps.merge(bureau, on="applicant_ref", how="left")
apps["age_band"] = apps["age_band"].str[:2].astype(int) // 10
apps[["application_id", "income", "debt_ratio", "age_band", "late_payments", "credit_lines",
      "tenure", "defaulted"]].to_csv("data/features_credit.csv", index=False)

tx = pd.read_csv("data/transactions.csv")
tx["foreign"] = (tx["country"] != "DE").astype(int)
tx["high_risk_mcc"] = tx["merchant_category"].isin(["gaming", "jewellery",
                                                    "online-electronics"]).astype(int)
tx["night"] = (tx["hour"] < 6).astype(int)
tx["velocity_1h"] = tx.groupby("account_ref")["transaction_id"].transform("count")
tx[["transaction_id", "amount_eur", "hour", "foreign", "high_risk_mcc", "night", "velocity_1h",
    "is_fraud"]].to_csv("data/features_fraud.csv", index=False)
