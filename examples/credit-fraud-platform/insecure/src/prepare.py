"""Join applicants with bureau scores and build the credit and fraud feature tables."""
import pandas as pd

BUREAU_URL = "http://exports.bureau-partner.example/daily/bureau_scores.csv"

apps = pd.read_csv("data/applicants.csv", parse_dates=["date_of_birth"])
bureau = pd.read_csv(BUREAU_URL)
sanctions = set(pd.read_csv("data/sanctions_list.csv")["entity_name"])
apps["age_band"] = (pd.Timestamp("2024-01-01") - apps["date_of_birth"]).dt.days // 3652
apps = apps.merge(bureau, on="national_id", how="left")
apps[["application_id", "income", "debt_ratio", "age_band", "late_payments", "credit_lines",
      "tenure", "defaulted"]].to_csv("data/features_credit.csv", index=False)

tx = pd.read_csv("data/transactions.csv", parse_dates=["timestamp"])
tx = tx[~tx["card_holder"].isin(sanctions)]
tx["hour"] = tx["timestamp"].dt.hour
tx["foreign"] = (tx["country"] != "DE").astype(int)
tx["high_risk_mcc"] = tx["merchant_category"].isin(["gaming", "jewellery",
                                                    "online-electronics"]).astype(int)
tx["night"] = (tx["hour"] < 6).astype(int)
tx["velocity_1h"] = tx.groupby("account_iban")["transaction_id"].transform("count")
tx[["transaction_id", "amount_eur", "hour", "foreign", "high_risk_mcc", "night", "velocity_1h",
    "is_fraud"]].to_csv("data/features_fraud.csv", index=False)
